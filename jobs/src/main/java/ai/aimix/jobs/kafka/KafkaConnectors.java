package ai.aimix.jobs.kafka;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;

/**
 * The jobs' Kafka sources and sinks, built one way from {@link KafkaOptions}: every source reads committed records
 * only, every sink writes in transactions committed on checkpoints (unless {@link KafkaOptions#EXACTLY_ONCE} is
 * off).
 */
public final class KafkaConnectors {
    private KafkaConnectors() {}

    /** A source builder with the connection, read_committed and the fetch and discovery settings; add topics etc. */
    public static <T> KafkaSourceBuilder<T> source(ReadableConfig c) {
        return KafkaSource.<T>builder()
                .setProperties(KafkaOptions.connection(c).properties())
                .setProperty("isolation.level", "read_committed")
                .setProperty(
                        "fetch.max.bytes",
                        String.valueOf(c.get(KafkaOptions.FETCH_MAX_BYTES).getBytes()))
                .setProperty(
                        "partition.discovery.interval.ms",
                        String.valueOf(c.get(KafkaOptions.PARTITION_DISCOVERY).toMillis()));
    }

    /**
     * The transactional sink of a job.
     *
     * @param transactionalIdPrefix unique per job on a Kafka cluster
     */
    public static <T> KafkaSink<T> transactionalSink(
            ReadableConfig c, KafkaRecordSerializationSchema<T> serializer, String transactionalIdPrefix) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(KafkaOptions.connection(c).properties())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(
                        c.get(KafkaOptions.EXACTLY_ONCE)
                                ? DeliveryGuarantee.EXACTLY_ONCE
                                : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty(
                        "transaction.timeout.ms",
                        String.valueOf(c.get(KafkaOptions.TRANSACTION_TIMEOUT).toMillis()))
                .setProperty(
                        "linger.ms",
                        String.valueOf(c.get(KafkaOptions.PRODUCER_LINGER).toMillis()))
                .setProperty(
                        "batch.size",
                        String.valueOf(c.get(KafkaOptions.PRODUCER_BATCH_SIZE).getBytes()))
                .setProperty("compression.type", c.get(KafkaOptions.PRODUCER_COMPRESSION))
                .build();
    }
}
