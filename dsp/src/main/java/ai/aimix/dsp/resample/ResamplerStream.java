package ai.aimix.dsp.resample;

import java.util.Arrays;

/**
 * A {@link Resampler} over a signal that arrives in blocks of any size: the output, block after block, is the same
 * as {@link Resampler#process} of the whole signal, sample for sample (ResamplerStreamTest), while only the filter's
 * window of input is kept between blocks. Planar channels; not thread-safe.
 */
public final class ResamplerStream {
    private final Resampler r;
    private final int channels;
    /** buf[c][j] holds input sample {@code base + j}, for {@code j < held}. */
    private float[][] buf;

    private long base;
    private int held;
    /** Input samples taken so far. */
    private long inputs;
    /** The next output sample to produce. */
    private long next;

    private boolean finished;

    ResamplerStream(Resampler r, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels: " + channels);
        }
        this.r = r;
        this.channels = channels;
        this.buf = new float[channels][Math.max(1024, 2 * r.width())];
    }

    /**
     * Takes {@code n} more samples of each channel ({@code in[c][0..n)}) and returns the output samples they complete
     * (possibly none), planar.
     */
    public float[][] push(float[][] in, int n) {
        if (finished) {
            throw new IllegalStateException("the stream was finished");
        }
        if (in.length != channels) {
            throw new IllegalArgumentException(in.length + " channels pushed to a stream of " + channels);
        }
        if (r.fromRate() == r.toRate()) {
            inputs += n;
            next += n;
            float[][] out = new float[channels][];
            for (int c = 0; c < channels; c++) {
                out[c] = Arrays.copyOf(in[c], n);
            }
            return out;
        }
        ensure(held + n);
        for (int c = 0; c < channels; c++) {
            System.arraycopy(in[c], 0, buf[c], held, n);
        }
        held += n;
        inputs += n;
        // output k is complete once its window's last input sample has arrived
        long last = next;
        while (r.firstInput(last) + r.width() <= inputs) {
            last++;
        }
        return produce(last);
    }

    /** The signal has ended (zero from here on): returns the remaining output samples, planar. */
    public float[][] finish() {
        finished = true;
        return r.fromRate() == r.toRate() ? new float[channels][0] : produce(r.outputLength(inputs));
    }

    /** Output samples produced so far. */
    public long produced() {
        return next;
    }

    private float[][] produce(long until) {
        int n = (int) Math.max(0, until - next);
        float[][] out = new float[channels][n];
        for (int i = 0; i < n; i++, next++) {
            for (int c = 0; c < channels; c++) {
                out[c][i] = r.output(next, buf[c], base, held);
            }
        }
        drop(Math.max(base, r.firstInput(next)));
        return out;
    }

    /** Forgets input samples before {@code keepFrom}: no later output reads them. */
    private void drop(long keepFrom) {
        int gone = (int) Math.min(held, keepFrom - base);
        if (gone <= 0) {
            return;
        }
        for (int c = 0; c < channels; c++) {
            System.arraycopy(buf[c], gone, buf[c], 0, held - gone);
        }
        held -= gone;
        base += gone;
    }

    private void ensure(int capacity) {
        if (capacity > buf[0].length) {
            int size = Math.max(capacity, buf[0].length * 2);
            for (int c = 0; c < channels; c++) {
                buf[c] = Arrays.copyOf(buf[c], size);
            }
        }
    }
}
