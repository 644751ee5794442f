package ai.aimix.schema.codec;

import ai.aimix.schema.SampleEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Packing and unpacking of the interleaved little-endian PCM carried in chunk data. */
public final class Pcm {
    private static final float S16_SCALE = 32768f;

    private Pcm() {}

    public static int bytesPerSample(SampleEncoding encoding) {
        return encoding == SampleEncoding.PCM_S16LE ? 2 : 4;
    }

    /** Frames in a payload, or -1 when its size is not a whole number of frames. */
    public static long frames(int bytes, int channels, SampleEncoding encoding) {
        int frameBytes = channels * bytesPerSample(encoding);
        if (frameBytes <= 0 || bytes % frameBytes != 0) {
            return -1;
        }
        return bytes / frameBytes;
    }

    /** Decodes {@code count} samples starting at sample {@code fromSample} into {@code dst[dstOffset..]}. */
    public static void decode(
            ByteBuffer data, SampleEncoding encoding, int fromSample, float[] dst, int dstOffset, int count) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        if (encoding == SampleEncoding.PCM_S16LE) {
            short[] s = new short[count];
            b.position(base + fromSample * 2);
            b.asShortBuffer().get(s);
            float scale = 1f / S16_SCALE;
            for (int i = 0; i < count; i++) {
                dst[dstOffset + i] = s[i] * scale;
            }
        } else {
            b.position(base + fromSample * 4);
            b.asFloatBuffer().get(dst, dstOffset, count);
        }
    }

    /** All samples of a payload. */
    public static float[] decode(ByteBuffer data, SampleEncoding encoding) {
        int n = data.remaining() / bytesPerSample(encoding);
        float[] out = new float[n];
        decode(data, encoding, 0, out, 0, n);
        return out;
    }

    /** Index of the first NaN or infinite sample of a float payload, or -1 (16-bit PCM cannot hold one). */
    public static int firstNonFinite(ByteBuffer data, SampleEncoding encoding) {
        if (encoding != SampleEncoding.PCM_F32LE) {
            return -1;
        }
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        int n = b.remaining() / 4;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(b.getFloat(base + 4 * i))) {
                return i;
            }
        }
        return -1;
    }

    /** Packs samples; 16-bit output is rounded and clipped to the format's range. */
    public static ByteBuffer encode(float[] samples, int offset, int count, SampleEncoding encoding) {
        ByteBuffer out = ByteBuffer.allocate(count * bytesPerSample(encoding)).order(ByteOrder.LITTLE_ENDIAN);
        if (encoding == SampleEncoding.PCM_S16LE) {
            short[] s = new short[count];
            for (int i = 0; i < count; i++) {
                s[i] = toS16(samples[offset + i]);
            }
            out.asShortBuffer().put(s);
            out.position(count * 2);
        } else {
            out.asFloatBuffer().put(samples, offset, count);
            out.position(count * 4);
        }
        out.flip();
        return out;
    }

    public static short toS16(float v) {
        float scaled = Math.round(v * S16_SCALE);
        if (scaled > Short.MAX_VALUE) {
            return Short.MAX_VALUE;
        }
        if (scaled < Short.MIN_VALUE) {
            return Short.MIN_VALUE;
        }
        return (short) scaled;
    }
}
