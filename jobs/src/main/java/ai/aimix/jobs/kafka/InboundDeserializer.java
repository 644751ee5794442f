package ai.aimix.jobs.kafka;

import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ContractLimits;
import ai.aimix.schema.codec.DecodeException;
import ai.aimix.schema.internal.InboundRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes mix.requests and audio.chunks records (Avro single-object encoding). Bytes that do not decode are not
 * an exception that would stop the job: they become an {@link InboundRecord} carrying a non-fatal UNDECODABLE or
 * UNKNOWN_SCHEMA error with the record's coordinates, for mix.errors. So do records whose mix id is not a usable id
 * (empty, longer than {@link ContractLimits#MAX_ID_LENGTH}, control characters) or differs from the Kafka key: such a
 * record belongs to no mix, is never held in keyed state and is never echoed whole.
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
        String key = keyOf(record.key());
        InboundRecord.Builder b = InboundRecord.newBuilder()
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(key);
        try {
            if (record.topic().equals(requestsTopic)) {
                MixRequest request = Contract.REQUEST.decode(record.value());
                requireUsableId(ErrorCode.INVALID_REQUEST, request.getMixId(), key);
                b.setRequest(request);
            } else if (record.topic().equals(chunksTopic)) {
                AudioChunk chunk = Contract.CHUNK.decode(record.value());
                requireUsableId(ErrorCode.MALFORMED_CHUNK, chunk.getMixId(), key);
                b.setChunk(chunk);
            } else {
                throw new DecodeException(ErrorCode.UNKNOWN_SCHEMA, "unexpected topic " + record.topic(), null);
            }
        } catch (DecodeException e) {
            b.setError(error(e.code(), e.getMessage(), record, key));
        } catch (RuntimeException e) {
            b.setError(error(ErrorCode.UNDECODABLE, "cannot decode: " + e, record, key));
        }
        out.collect(b.build());
    }

    /** The record's key as text, or null when absent or not a usable id (it is only ever used to name the mix). */
    public static String keyOf(byte[] key) {
        if (key == null || key.length > 4 * ContractLimits.MAX_ID_LENGTH) {
            return null;
        }
        String k = new String(key, StandardCharsets.UTF_8);
        return ContractLimits.checkId("key", k) == null ? k : null;
    }

    private static void requireUsableId(ErrorCode code, String mixId, String key) throws DecodeException {
        String problem = ContractLimits.checkId("mixId", mixId);
        if (problem != null) {
            throw new DecodeException(code, problem + "; the record belongs to no mix and was dropped", null);
        }
        if (!mixId.equals(key)) {
            throw new DecodeException(
                    code,
                    "the Kafka key (" + ContractLimits.preview(key) + ") is not the mix id "
                            + ContractLimits.preview(mixId) + ": every record of a mix is keyed by its id",
                    null);
        }
    }

    private static MixError error(ErrorCode code, String message, ConsumerRecord<byte[], byte[]> record, String key) {
        return MixError.newBuilder()
                .setMixId(key)
                .setCode(code)
                .setFatal(false)
                .setMessage(message)
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setStemIndex(null)
                .setSequence(null)
                .setOccurredAtMillis(System.currentTimeMillis())
                .build();
    }

    @Override
    public TypeInformation<InboundRecord> getProducedType() {
        return TypeInformation.of(InboundRecord.class);
    }
}
