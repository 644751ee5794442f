package ai.aimix.operators.inference;

import ai.aimix.cache.CacheKey;
import ai.aimix.cache.Fingerprints;
import ai.aimix.operators.records.FloatBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A segment's parameters from one model as cached: which model (version, format, the ONNX file's digest) and
 * execution provider made them, so they are used only where the same model would run on the same provider now.
 */
public record ParamsEntry(String modelId, int formatVersion, String modelSha256, String provider, byte[] values) {
    static final int VERSION = 1;
    /** Kind of the cache keys. */
    public static final String KIND = "params";
    /** Bump when the parameters' layout or meaning changes: old entries are then never read. */
    private static final String KEY_DOMAIN = "aimix/params/v2";

    /**
     * The key of a segment's parameters from a model: the job's feature settings ({@code context}: the model's
     * inputs depend on the spectrogram's size, hop and bands), the model version, and the fingerprints and roles of
     * all the segment's stems in order (the model sees them together).
     */
    public static CacheKey key(String context, String modelId, List<ByteBuffer> fingerprints, List<Integer> roles) {
        byte[][] parts = new byte[fingerprints.size() + 3][];
        parts[0] = Fingerprints.bytes(context);
        parts[1] = Fingerprints.bytes(modelId);
        int[] r = new int[roles.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = roles.get(i);
        }
        parts[2] = Fingerprints.bytes(r);
        for (int i = 0; i < fingerprints.size(); i++) {
            parts[i + 3] = FloatBytes.bytes(fingerprints.get(i));
        }
        return new CacheKey(KIND, Fingerprints.derive(KEY_DOMAIN, parts));
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(values.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeUTF(modelId);
            out.writeInt(formatVersion);
            out.writeUTF(modelSha256);
            out.writeUTF(provider);
            out.writeInt(values.length);
            out.write(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ParamsEntry decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readInt() != VERSION) {
                return null;
            }
            ParamsEntry e = new ParamsEntry(in.readUTF(), in.readInt(), in.readUTF(), in.readUTF(), values(in));
            return in.available() == 0 ? e : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] values(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
