package ai.aimix.gateway.kafka;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.gateway.mix.GatewayRecord;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.codec.Contract;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The gateway's producer (thread-safe, shared by every upload): requests and chunks keyed by mix id, idempotent,
 * acks=all; and the mixes topic's records, on a producer of their own. Each send returns its future, so an upload learns of its own records' failures and no other's.
 */
public final class ContractProducer implements AutoCloseable {
    /** Record bytes waiting for the broker before sends block: uploads then wait for Kafka (back-pressure). */
    static final long BUFFER_BYTES = 32L << 20;

    private final KafkaProducer<byte[], byte[]> producer;
    /** The gateway's own small records (the mixes topic): not queued behind audio, sent at once. */
    private final KafkaProducer<byte[], byte[]> records;

    private final Topics topics;

    public ContractProducer(KafkaConnection kafka, Topics topics) {
        Properties p = StemProducer.audioProducer(kafka, "aimix-gateway", BUFFER_BYTES);
        // an upload waits at most this long for room in the buffer before it fails (KAFKA_UNAVAILABLE)
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Properties r = kafka.properties();
        r.put(ProducerConfig.ACKS_CONFIG, "all");
        r.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        r.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        r.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        r.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        r.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        r.put(ProducerConfig.CLIENT_ID_CONFIG, "aimix-gateway-records");
        this.records = new KafkaProducer<>(r, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = topics;
    }

    /** The header that carries a gateway record's keyed hash ({@code KeySeal.recordTag}). */
    public static final String TAG_HEADER = "aimix-tag";

    /**
     * A record for the other replicas (the mixes topic, keyed by mix id), with its keyed hash {@code tag} of the value
     * in the {@link #TAG_HEADER} header.
     */
    public Future<RecordMetadata> send(String mixesTopic, GatewayRecord record, Function<byte[], String> tag) {
        byte[] value = record.toBytes();
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(mixesTopic, key(record.id()), value);
        r.headers().add(TAG_HEADER, tag.apply(value).getBytes(StandardCharsets.US_ASCII));
        return records.send(r);
    }

    public Future<RecordMetadata> send(MixRequest request) {
        return producer.send(
                new ProducerRecord<>(topics.requests, key(request.getMixId()), Contract.REQUEST.encode(request)));
    }

    public Future<RecordMetadata> send(AudioChunk chunk) {
        return producer.send(new ProducerRecord<>(topics.chunks, key(chunk.getMixId()), Contract.CHUNK.encode(chunk)));
    }

    /**
     * A tournament record (a battle, a vote) keyed by battle id, sent at once on the small records' producer (acks
     * from every replica, idempotent): the arena waits for it before it answers.
     */
    public Future<RecordMetadata> sendRecord(String topic, String key, byte[] value) {
        return records.send(new ProducerRecord<>(topic, key(key), value));
    }

    private static byte[] key(String mixId) {
        return mixId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
        records.close();
    }
}
