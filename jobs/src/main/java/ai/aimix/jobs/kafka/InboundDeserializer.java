package ai.aimix.jobs.kafka;

import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import ai.aimix.schema.internal.InboundRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Decodes mix.requests and audio.chunks records (Avro single-object encoding). Bytes that do not decode are not
 * an exception that would stop the job: they become an {@link InboundRecord} carrying a non-fatal UNDECODABLE or
 * UNKNOWN_SCHEMA error with the record's coordinates, for mix.errors.
 */
public final class InboundDeserializer implements KafkaRecordDeserializationSchema<InboundRecord> {
    private static final long serialVersionUID = 1L;

    private final String requestsTopic;
    private final String chunksTopic;

    public InboundDeserializer(String requestsTopic, String chunksTopic) {
        this.requestsTopic = requestsTopic;
        this.chunksTopic = chunksTopic;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InboundRecord> out) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        InboundRecord.Builder b = InboundRecord.newBuilder()
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(key);
        try {
            if (record.topic().equals(requestsTopic)) {
                b.setRequest(Contract.REQUEST.decode(record.value()));
            } else if (record.topic().equals(chunksTopic)) {
                b.setChunk(Contract.CHUNK.decode(record.value()));
            } else {
                throw new DecodeException(ErrorCode.UNKNOWN_SCHEMA, "unexpected topic " + record.topic(), null);
            }
        } catch (DecodeException e) {
            b.setError(MixError.newBuilder()
                    .setMixId(key)
                    .setCode(e.code())
                    .setFatal(false)
                    .setMessage(e.getMessage())
                    .setTopic(record.topic())
                    .setPartition(record.partition())
                    .setOffset(record.offset())
                    .setStemIndex(null)
                    .setSequence(null)
                    .setOccurredAtMillis(System.currentTimeMillis())
                    .build());
        }
        out.collect(b.build());
    }

    @Override
    public TypeInformation<InboundRecord> getProducedType() {
        return TypeInformation.of(InboundRecord.class);
    }
}
