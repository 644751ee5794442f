package ai.aimix.operators.records;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** float32 little-endian byte buffers: how audio, log-mel and parameters travel inside the job's records. */
public final class FloatBytes {
    private FloatBytes() {}

    public static ByteBuffer wrap(float[] values, int offset, int count) {
        ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values, offset, count);
        return b;
    }

    public static ByteBuffer wrap(float[] values) {
        return wrap(values, 0, values.length);
    }

    /** A little-endian float view of the buffer's remaining bytes (no copy). */
    public static FloatBuffer view(ByteBuffer bytes) {
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public static float[] toArray(ByteBuffer bytes) {
        FloatBuffer f = view(bytes);
        float[] out = new float[f.remaining()];
        f.get(out);
        return out;
    }

    /** The remaining bytes of a buffer as an array (a copy; the buffer's position is untouched). */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer d = buffer.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }

    public static int count(ByteBuffer bytes) {
        return bytes.remaining() / 4;
    }
}
