package ai.aimix.jobs.kafka;

import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.internal.OutboundRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Routes each outbound payload to its topic, keyed by mix id, in Avro single-object encoding. */
public final class OutboundSerializer implements KafkaRecordSerializationSchema<OutboundRecord> {
    private static final long serialVersionUID = 1L;

    private final String outputTopic;
    private final String progressTopic;
    private final String resultsTopic;
    private final String errorsTopic;

    public OutboundSerializer(String outputTopic, String progressTopic, String resultsTopic, String errorsTopic) {
        this.outputTopic = outputTopic;
        this.progressTopic = progressTopic;
        this.resultsTopic = resultsTopic;
        this.errorsTopic = errorsTopic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutboundRecord record, KafkaSinkContext context, Long timestamp) {
        Object p = record.getPayload();
        if (p instanceof MixOutputChunk) {
            MixOutputChunk c = (MixOutputChunk) p;
            return new ProducerRecord<>(outputTopic, key(c.getMixId()), Contract.OUTPUT.encode(c));
        }
        if (p instanceof MixProgress) {
            MixProgress m = (MixProgress) p;
            return new ProducerRecord<>(progressTopic, key(m.getMixId()), Contract.PROGRESS.encode(m));
        }
        if (p instanceof MixResult) {
            MixResult r = (MixResult) p;
            return new ProducerRecord<>(resultsTopic, key(r.getMixId()), Contract.RESULT.encode(r));
        }
        MixError e = (MixError) p;
        return new ProducerRecord<>(
                errorsTopic, e.getMixId() == null ? null : key(e.getMixId()), Contract.ERROR.encode(e));
    }

    private static byte[] key(String mixId) {
        return mixId.getBytes(StandardCharsets.UTF_8);
    }
}
