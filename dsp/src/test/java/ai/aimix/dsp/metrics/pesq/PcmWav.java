package ai.aimix.dsp.metrics.pesq;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 16-bit mono PCM WAV from the test resources, as samples in 16-bit units, and its rate. (The project's WAV reader
 * is in clients, which dsp does not depend on; these two files need no more than this.)
 */
record PcmWav(int sampleRate, short[] samples) {
    static PcmWav resource(String name) {
        try (InputStream in = PcmWav.class.getResourceAsStream("/pesq/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /pesq/" + name);
            }
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            b.position(12);
            int rate = 0;
            while (b.remaining() >= 8) {
                int id = b.getInt();
                int size = b.getInt();
                if (id == 0x20746d66) { // "fmt "
                    int format = b.getShort(b.position());
                    int channels = b.getShort(b.position() + 2);
                    rate = b.getInt(b.position() + 4);
                    int bits = b.getShort(b.position() + 14);
                    if (format != 1 || channels != 1 || bits != 16) {
                        throw new IllegalStateException(name + ": not 16-bit mono PCM");
                    }
                } else if (id == 0x61746164) { // "data"
                    short[] s = new short[size / 2];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = b.getShort();
                    }
                    return new PcmWav(rate, s);
                }
                b.position(b.position() + size + (size & 1));
            }
            throw new IllegalStateException(name + ": no data chunk");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The samples divided by {@code scale}, as single precision. */
    float[] scaled(double scale) {
        float[] f = new float[samples.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (samples[i] / scale);
        }
        return f;
    }

    int peak() {
        int p = 0;
        for (short s : samples) {
            p = Math.max(p, Math.abs(s));
        }
        return p;
    }
}
