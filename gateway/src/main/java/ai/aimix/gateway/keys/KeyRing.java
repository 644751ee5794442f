package ai.aimix.gateway.keys;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.gateway.kafka.CompactedView;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The API keys, as every gateway replica sees them: the compacted keys topic (key: the key's id; value: its JSON
 * record, the secret only as a keyed hash, the webhook secret sealed: {@link KeySeal}) read from the beginning and
 * followed. Creating and revoking write there, so a
 * key works on every replica and survives restarts.
 */
public final class KeyRing implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompactedView<ApiKey> view;
    private final KeySeal seal;

    public KeyRing(KafkaConnection kafka, String topic, KeySeal seal) {
        this.seal = seal;
        this.view = new CompactedView<>(kafka, topic, false, (id, value) -> {
            ApiKey k = ApiKey.fromJson(JSON.readTree(value), seal);
            if (!k.id().equals(id)) {
                throw new IllegalArgumentException("the record under " + id + " is key " + k.id());
            }
            return k;
        });
    }

    public void start() {
        view.start();
    }

    /** Every key the topic held when the ring started is known. */
    public boolean ready() {
        return view.ready();
    }

    /** The key a token opens, or null: no token, not a token, an unknown id, a wrong secret, a revoked key. */
    public ApiKey authenticate(String token) {
        String[] parts = ApiKey.parse(token);
        if (parts == null) {
            return null;
        }
        ApiKey k = view.get(parts[0]);
        return k != null && !k.revoked() && k.opens(parts[1], seal) ? k : null;
    }

    public ApiKey get(String id) {
        return view.get(id);
    }

    public Collection<ApiKey> all() {
        return view.snapshot().values();
    }

    /** Waits until the ring has seen {@code id} (at its latest state, e.g. revoked); false on timeout. */
    public boolean await(String id, boolean revoked, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ApiKey k = view.get(id);
            if (k != null && k.revoked() == revoked) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() {
        view.close();
    }

    /** Writes a key's record (new, or revoked) to the topic, and waits for Kafka to have it. */
    public static void publish(KafkaConnection kafka, String topic, ApiKey key, KeySeal seal) throws Exception {
        Properties p = kafka.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "aimix-keys-admin");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic,
                            key.id().getBytes(StandardCharsets.UTF_8),
                            key.toJson(seal).toString().getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    /** Every key on the topic now (read to its end once: for the command line). */
    public static Collection<ApiKey> readAll(KafkaConnection kafka, String topic, KeySeal seal, Duration timeout)
            throws InterruptedException {
        try (KeyRing ring = new KeyRing(kafka, topic, seal)) {
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
