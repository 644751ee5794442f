package ai.aimix.schema.codec;

import ai.aimix.schema.ErrorCode;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Avro single-object encoding (magic {@code C3 01}, the schema's 64-bit CRC-64-AVRO fingerprint, then the
 * binary datum) for one record type of the streaming contract. The decoder knows the current schema and every
 * earlier one recorded in {@link SchemaHistory}, so data written by older producers still reads.
 *
 * <p>Instances are thread-safe.
 */
public final class ContractCodec<T extends SpecificRecordBase> {
    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public ContractCodec(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        for (Schema older : SchemaHistory.versions(schema.getFullName())) {
            decoder.addSchema(older);
        }
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return schema;
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type.getSimpleName(), e);
        }
    }

    public T decode(byte[] bytes) throws DecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new DecodeException(ErrorCode.UNDECODABLE, "empty value, expected a single-object encoded "
                    + schema.getName(), null);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new DecodeException(ErrorCode.UNKNOWN_SCHEMA, "schema fingerprint " + fingerprintOf(bytes)
                    + " is not a known version of " + schema.getName(), e);
        } catch (BadHeaderException e) {
            throw new DecodeException(ErrorCode.UNDECODABLE, "not Avro single-object encoding (bad header) for "
                    + schema.getName(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new DecodeException(ErrorCode.UNDECODABLE, "corrupt " + schema.getName() + " datum: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    /** The writer-schema fingerprint in a single-object encoded value, as 16 hex digits, or "?" if too short. */
    static String fingerprintOf(byte[] bytes) {
        if (bytes.length < 10) {
            return "?";
        }
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = (fp << 8) | (bytes[i] & 0xFF);
        }
        return String.format("%016x", fp);
    }

    /** Fingerprints (CRC-64-AVRO of the parsing canonical form) this decoder accepts: current and historical. */
    public List<Long> acceptedFingerprints() {
        List<Long> out = new java.util.ArrayList<>();
        out.add(org.apache.avro.SchemaNormalization.parsingFingerprint64(schema));
        for (Schema older : SchemaHistory.versions(schema.getFullName())) {
            out.add(org.apache.avro.SchemaNormalization.parsingFingerprint64(older));
        }
        return out;
    }
}
