package ai.aimix.gateway.kafka;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.schema.codec.ContractCodec;
import ai.aimix.schema.codec.DecodeException;
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
 * The latest record per key of a compacted contract topic (models.registry, tournament.standings), read from the
 * beginning and followed: the read-only views of the API. Records that do not decode are skipped (and logged).
 */
public final class CompactedView<T extends SpecificRecordBase> extends TopicFollower {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedView.class);

    private final String topic;
    private final ContractCodec<T> codec;
    private final Map<String, T> latest = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;

    public CompactedView(KafkaConnection kafka, String topic, ContractCodec<T> codec) {
        super(kafka, List.of(topic), "aimix-gateway-view-" + topic, true);
        this.topic = topic;
        this.codec = codec;
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
                latest.put(key, codec.decode(r.value()));
            } catch (DecodeException e) {
                LOG.warn("Skipping a record on {} (key {}) that does not decode: {}", topic, key, e.getMessage());
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
