package ai.aimix.gateway.kafka;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.schema.codec.ContractCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest record per key of a compacted topic (models.registry, tournament.standings, gateway.keys), read from the
 * beginning and followed. Records that do not decode are skipped (and logged).
 */
public final class CompactedView<T> extends TopicFollower {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedView.class);

    private final String topic;
    private final Decoder<T> decoder;
    private final Map<String, T> latest = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;

    /** Turns a record's value into a T, or throws. */
    public interface Decoder<T> {
        T decode(String key, byte[] value) throws Exception;
    }

    public CompactedView(KafkaConnection kafka, String topic, boolean readCommitted, Decoder<T> decoder) {
        super(kafka, List.of(topic), "aimix-gateway-view-" + topic, readCommitted);
        this.topic = topic;
        this.decoder = decoder;
    }

    /** A view of a contract topic, written by the jobs' transactions. */
    public static <T extends SpecificRecordBase> CompactedView<T> of(
            KafkaConnection kafka, String topic, ContractCodec<T> codec) {
        return new CompactedView<>(kafka, topic, true, (key, value) -> codec.decode(value));
    }

    /** The topic has been read up to where it ended when the view started. */
    public boolean ready() {
        return caughtUp;
    }

    /** The latest value per key, sorted by key. */
    public Map<String, T> snapshot() {
        return new TreeMap<>(latest);
    }

    public T get(String key) {
        return latest.get(key);
    }

    @Override
    protected void assigned(List<TopicPartition> parts) {
        fromBeginning(parts);
    }

    @Override
    protected void polled(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.key() == null) {
                continue;
            }
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                latest.remove(key);
                continue;
            }
            try {
                latest.put(key, decoder.decode(key, r.value()));
            } catch (Exception e) {
                LOG.warn("Skipping a record on {} (key {}) that does not decode: {}", topic, key, e.toString());
            }
        }
        if (!caughtUp && readToStartEnd()) {
            caughtUp = true;
        }
    }

    @Override
    protected void stopped() {
        caughtUp = false;
    }
}
