package ai.aimix.jobs.kafka;

import static org.apache.flink.configuration.ConfigOptions.key;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.jobs.JobOptions;
import ai.aimix.schema.codec.Contract;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/**
 * How every job reaches Kafka: the cluster, the client settings of a secured Kafka, transactions, the registry
 * topic that all jobs share, and the consumer and producer settings the jobs tune for audio. Each job's own
 * consumer group, topics and transactional id prefix are in its options class.
 */
public final class KafkaOptions {
    private KafkaOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("aimix.kafka.bootstrap-servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDescription("Kafka bootstrap servers the jobs read from and write to.");

    public static final ConfigOption<String> CLIENT_CONFIG_FILE = key("aimix.kafka.client-config-file")
            .stringType()
            .noDefaultValue()
            .withDescription("A Kafka client properties file (the format of Kafka's own tools' --command-config) whose "
                    + "settings every Kafka client of the job uses, e.g. security.protocol, sasl.mechanism, "
                    + "sasl.jaas.config, ssl.truststore.location: how to reach a secured Kafka without putting its "
                    + "password in config.yaml. Settings given as " + KafkaConnection.PREFIX + "<setting> options "
                    + "take precedence. Serializers, group ids, transactions, isolation and idempotence are the job's "
                    + "own and cannot be set.");

    public static final ConfigOption<Boolean> EXACTLY_ONCE = key("aimix.kafka.exactly-once")
            .booleanType()
            .defaultValue(true)
            .withDescription("Write outputs in Kafka transactions committed on checkpoints (read them with "
                    + "isolation.level=read_committed). Off: at-least-once, visible at once.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = key("aimix.kafka.transaction-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("Kafka transaction timeout of the sinks. Must be below the broker's "
                    + "transaction.max.timeout.ms (15 min by default) and above the checkpoint interval.");

    public static final ConfigOption<String> TOPIC_REGISTRY = key("aimix.topics.registry")
            .stringType()
            .defaultValue(Contract.MODELS_REGISTRY)
            .withDescription("Compacted topic of model descriptors and league champions, read from the beginning "
                    + "as a broadcast stream.");

    public static final ConfigOption<MemorySize> FETCH_MAX_BYTES = key("aimix.kafka.fetch-max-bytes")
            .memoryType()
            .defaultValue(MemorySize.ofMebiBytes(64))
            .withDescription("Consumer fetch.max.bytes of the jobs' sources: the most one fetch returns over all "
                    + "partitions, so a burst of audio chunks arrives in few round trips.");

    public static final ConfigOption<Duration> PARTITION_DISCOVERY = key("aimix.kafka.partition-discovery-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("How often the jobs' sources look for new partitions of their topics (a topic grown "
                    + "with kafka-topics --alter is read from then on).");

    public static final ConfigOption<Duration> PRODUCER_LINGER = key("aimix.kafka.producer.linger")
            .durationType()
            .defaultValue(Duration.ofMillis(5))
            .withDescription("Producer linger.ms of the sinks: how long a batch waits to fill before it is sent.");

    public static final ConfigOption<MemorySize> PRODUCER_BATCH_SIZE = key("aimix.kafka.producer.batch-size")
            .memoryType()
            .defaultValue(MemorySize.ofMebiBytes(1))
            .withDescription("Producer batch.size of the sinks: mixed audio goes out in chunks of up to 1 MB, so one "
                    + "batch holds at least one chunk.");

    public static final ConfigOption<String> PRODUCER_COMPRESSION = key("aimix.kafka.producer.compression")
            .stringType()
            .defaultValue("none")
            .withDescription("Producer compression.type of the sinks (none, gzip, snappy, lz4, zstd). PCM audio "
                    + "hardly compresses; none saves the CPU.");

    /**
     * How the jobs' Kafka clients connect: {@link #BOOTSTRAP_SERVERS}, the settings of {@link #CLIENT_CONFIG_FILE}
     * and the {@value KafkaConnection#PREFIX}* options on top.
     *
     * @throws IllegalArgumentException naming the option or setting that is wrong
     */
    public static KafkaConnection connection(ReadableConfig c) {
        Map<String, String> settings = new TreeMap<>();
        Optional<String> file = c.getOptional(CLIENT_CONFIG_FILE);
        if (file.isPresent()) {
            try {
                settings.putAll(KafkaConnection.readFile(Path.of(file.get())));
                KafkaConnection.requireNotReserved(settings); // named with the file it is in
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(CLIENT_CONFIG_FILE.key() + ": " + e.getMessage());
            }
        }
        settings.putAll(KafkaConnection.fromPrefixed(c.toMap()));
        try {
            return new KafkaConnection(c.get(BOOTSTRAP_SERVERS), settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KafkaConnection.PREFIX + "*: " + e.getMessage());
        }
    }

    /** All options, for documentation and --help. */
    public static List<ConfigOption<?>> all() {
        return JobOptions.declaredIn(KafkaOptions.class);
    }
}
