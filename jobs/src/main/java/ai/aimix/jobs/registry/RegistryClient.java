package ai.aimix.jobs.registry;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the models.registry topic from outside Flink (the command line, the embedded stack's bootstrap):
 * {@link #read} replays the whole topic into a view, skipping (with a warning, and listed in
 * {@link RegistryView#skipped()}) records that do not decode or name invalid ids, as the jobs do; {@link #publish}
 * appends entries, keyed model/ID or champion/LEAGUE, and waits until the broker has them.
 */
public final class RegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    private final KafkaConnection kafka;
    private final String bootstrap;
    private final String topic;
    private final Duration timeout;

    public RegistryClient(String bootstrap, String topic, Duration timeout) {
        this(KafkaConnection.plain(bootstrap), topic, timeout);
    }

    public RegistryClient(KafkaConnection kafka, String topic, Duration timeout) {
        this.kafka = kafka;
        this.bootstrap = kafka.bootstrap();
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * Stores a new model and registers it as a candidate: the bytes go to the store before the descriptor is
     * published, and a model id the registry already knows is refused.
     */
    public ModelDescriptor publishCandidate(
            ModelStore store, String id, byte[] onnx, ModelLineage lineage, Map<String, Double> metrics)
            throws IOException, UnsupportedModelFormatException, RegistryException {
        RegistryView view = read();
        if (view.model(id).isPresent()) {
            throw new RegistryException("model '" + id + "' is already registered");
        }
        ModelDescriptor d = store.publish(id, onnx, lineage, metrics);
        publish(RegistryChanges.publish(view, d));
        return d;
    }

    /** The registry as of now: every record from the beginning up to the current end. */
    public String bootstrap() {
        return bootstrap;
    }

    public String topic() {
        return topic;
    }

    public RegistryView read() throws IOException {
        Properties p = kafka.properties();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        RegistryView view = new RegistryView();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IOException("topic " + topic + " does not exist at " + bootstrap);
            }
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : infos) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (!caughtUp(c, end)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("reading " + topic + " at " + bootstrap + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    String where = "partition " + r.partition() + " offset " + r.offset() + ": ";
                    try {
                        RegistryEntry entry = Contract.REGISTRY.decode(r.value());
                        String problem = RegistryView.problem(entry);
                        if (problem != null) {
                            view.skip(where + problem);
                        } else {
                            view.apply(entry);
                        }
                    } catch (DecodeException | RuntimeException e) {
                        view.skip(where + e.getMessage());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IOException("cannot reach Kafka at " + bootstrap + " (" + e.getMessage() + ")");
        }
        for (String s : view.skipped()) {
            LOG.warn("Skipped a {} record that cannot be applied, at {}", topic, s);
        }
        return view;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Appends the entries in order and waits for the broker's acknowledgement. */
    public void publish(List<RegistryEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        Properties p = kafka.properties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<?>> sent = new ArrayList<>();
            for (RegistryEntry e : entries) {
                sent.add(producer.send(new ProducerRecord<>(
                        topic, RegistryView.key(e).getBytes(StandardCharsets.UTF_8), Contract.REGISTRY.encode(e))));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + topic);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new IOException("cannot publish to " + topic + " at " + bootstrap + ": " + e.getMessage());
        }
    }
}
