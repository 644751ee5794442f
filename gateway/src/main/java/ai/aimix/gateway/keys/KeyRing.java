package ai.aimix.gateway.keys;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.gateway.kafka.TopicFollower;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys, as every gateway replica sees them: the compacted keys topic (key: the key's id; value: its JSON
 * record, the secret only as a hash) read from the beginning and followed. Creating and revoking write there, so a
 * key works on every replica and survives restarts.
 */
public final class KeyRing extends TopicFollower {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String topic;
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    /** The topic has been read up to where it ended when the ring started. */
    private volatile boolean caughtUp;

    public KeyRing(KafkaConnection kafka, String topic) {
        super(kafka, List.of(topic), "aimix-gateway-keys", false);
        this.topic = topic;
    }

    /** Every key the topic held when the ring started is known. */
    public boolean ready() {
        return caughtUp;
    }

    /** The key a token opens, or null: no token, not a token, an unknown id, a wrong secret, a revoked key. */
    public ApiKey authenticate(String token) {
        String[] parts = ApiKey.parse(token);
        if (parts == null) {
            return null;
        }
        ApiKey k = keys.get(parts[0]);
        return k != null && !k.revoked() && k.opens(parts[1]) ? k : null;
    }

    public ApiKey get(String id) {
        return keys.get(id);
    }

    public Collection<ApiKey> all() {
        return List.copyOf(keys.values());
    }

    /** Waits until the ring has seen {@code id} (at its latest state, e.g. revoked); false on timeout. */
    public boolean await(String id, boolean revoked, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ApiKey k = keys.get(id);
            if (k != null && k.revoked() == revoked) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    protected void assigned(List<TopicPartition> parts) {
        fromBeginning(parts);
    }

    @Override
    protected void polled(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            apply(r);
        }
        if (!caughtUp && readToStartEnd()) {
            caughtUp = true;
        }
    }

    @Override
    protected void stopped() {
        caughtUp = false;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String id = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            keys.remove(id);
            return;
        }
        try {
            ApiKey k = ApiKey.fromJson(JSON.readTree(r.value()));
            if (k.id().equals(id)) {
                keys.put(id, k);
            }
        } catch (Exception e) {
            LOG.warn("Skipping a record on {} that is not a key: {}", topic, e.toString());
        }
    }

    /** Writes a key's record (new, or revoked) to the topic, and waits for Kafka to have it. */
    public static void publish(KafkaConnection kafka, String topic, ApiKey key) throws Exception {
        Properties p = kafka.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "aimix-keys-admin");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic,
                            key.id().getBytes(StandardCharsets.UTF_8),
                            key.toJson().toString().getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    /** Every key on the topic now (read to its end once: for the command line). */
    public static Collection<ApiKey> readAll(KafkaConnection kafka, String topic, Duration timeout)
            throws InterruptedException {
        try (KeyRing ring = new KeyRing(kafka, topic)) {
            ring.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ring.ready()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic + " within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(20);
            }
            return ring.all();
        }
    }
}
