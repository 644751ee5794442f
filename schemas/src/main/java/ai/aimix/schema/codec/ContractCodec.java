package ai.aimix.schema.codec;

import ai.aimix.schema.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding (magic {@code C3 01}, the schema's 64-bit CRC-64-AVRO fingerprint, then the
 * binary datum) for one record type of the streaming contract. The decoder knows the current schema and every
 * earlier one recorded in {@link SchemaHistory}, so data written by older producers still reads.
 *
 * <p>Decoding is bounded before anything is allocated: the datum is first walked against its writer schema
 * ({@link DatumBounds}), so a length prefix or item count larger than the bytes that follow, a bad enum symbol or
 * union branch, or trailing bytes are refused as {@code UNDECODABLE} without Avro ever seeing them; whatever else the
 * decoder throws (any exception, never an error) is {@code UNDECODABLE} too. Decoding allocates at most a small
 * multiple of the input's size (the fuzz tests measure it).
 *
 * <p>Instances are thread-safe.
 */
public final class ContractCodec<T extends SpecificRecordBase> {
    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    /** Writer schemas this codec reads, by CRC-64-AVRO fingerprint: the current one and every recorded one. */
    private final Map<Long, Schema> writers = new LinkedHashMap<>();

    private final DatumBounds bounds = new DatumBounds();

    public ContractCodec(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        writers.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        for (Schema older : SchemaHistory.versions(schema.getFullName())) {
            decoder.addSchema(older);
            writers.putIfAbsent(SchemaNormalization.parsingFingerprint64(older), older);
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
            throw new DecodeException(
                    ErrorCode.UNDECODABLE, "empty value, expected a single-object encoded " + schema.getName(), null);
        }
        if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new DecodeException(
                    ErrorCode.UNDECODABLE,
                    "not Avro single-object encoding (bad header) for " + schema.getName(),
                    null);
        }
        Schema writer = writers.get(fingerprint(bytes));
        if (writer == null) {
            throw new DecodeException(
                    ErrorCode.UNKNOWN_SCHEMA,
                    "schema fingerprint " + fingerprintOf(bytes) + " is not a known version of " + schema.getName(),
                    null);
        }
        try {
            bounds.check(writer, bytes, HEADER_BYTES);
        } catch (DatumBounds.Violation e) {
            throw new DecodeException(
                    ErrorCode.UNDECODABLE, "corrupt " + schema.getName() + " datum: " + e.getMessage(), e);
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(
                    ErrorCode.UNDECODABLE,
                    "corrupt " + schema.getName() + " datum: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    e);
        }
    }

    /** Magic (2 bytes) and fingerprint (8 bytes) of the single-object encoding. */
    private static final int HEADER_BYTES = 10;

    private static long fingerprint(byte[] bytes) {
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = (fp << 8) | (bytes[i] & 0xFF);
        }
        return fp;
    }

    /** The writer-schema fingerprint in a single-object encoded value, as 16 hex digits, or "?" if too short. */
    static String fingerprintOf(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            return "?";
        }
        return String.format("%016x", fingerprint(bytes));
    }

    /** Fingerprints (CRC-64-AVRO of the parsing canonical form) this decoder accepts: current and historical. */
    public List<Long> acceptedFingerprints() {
        return new ArrayList<>(writers.keySet());
    }
}
