package ai.aimix.dsp.loudness;

/**
 * The 4x interpolator of the true-peak measurement (ITU-R BS.1770-4 Annex 2 method): a 49-tap Kaiser-windowed sinc
 * (beta 7, cut-off at the original Nyquist frequency) split into four polyphase branches. Branch 0 is a pure delay
 * of {@link #DELAY} samples, so the oversampled signal contains the input samples themselves.
 */
public final class Oversampler {
    public static final int FACTOR = 4;
    static final int TAPS = 49;
    /** Input samples a branch looks back (its longest tap count), and the delay of the oversampled signal. */
    public static final int HISTORY = (TAPS + FACTOR - 1) / FACTOR;

    public static final int DELAY = (TAPS - 1) / 2 / FACTOR;

    static final float[][] PHASES = design();

    static {
        // what peaks() relies on: branch 0 passes the input on, DELAY samples late (its other taps are sin(pi k) / pi k
        // for whole k: zero but for rounding, below 1e-16)
        float[] zero = PHASES[0];
        for (int k = 0; k < zero.length; k++) {
            if (k == DELAY ? zero[k] != 1f : Math.abs(zero[k]) > 1e-15f) {
                throw new AssertionError("branch 0 of the interpolator is not a pure delay of " + DELAY);
            }
        }
    }

    private Oversampler() {}

    private static float[][] design() {
        double beta = 7.0;
        double center = (TAPS - 1) / 2.0;
        double i0beta = besselI0(beta);
        double[] h = new double[TAPS];
        for (int n = 0; n < TAPS; n++) {
            double x = (n - center) / FACTOR;
            double sinc = x == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
            double r = (n - center) / center;
            h[n] = sinc * besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0beta;
        }
        float[][] phases = new float[FACTOR][];
        for (int p = 0; p < FACTOR; p++) {
            int count = (TAPS - p + FACTOR - 1) / FACTOR;
            phases[p] = new float[count];
            for (int k = 0; k < count; k++) {
                phases[p][k] = (float) h[p + FACTOR * k];
            }
        }
        return phases;
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
        }
        return sum;
    }

    /**
     * For each of {@code frames} new input samples, the largest magnitude among the four oversampled values it
     * produces, max-combined into {@code peaks[i]} (which the caller initialises). {@code work} holds
     * {@code HISTORY - 1} earlier samples followed by the new ones; {@code acc} is scratch of at least
     * {@code min(frames, BLOCK)}. The value for new sample i belongs to input position i - DELAY.
     */
    public static void peaks(float[] work, int frames, float[] peaks, float[] acc) {
        int h = HISTORY - 1;
        float[] tap = new float[BLOCK];
        float[] local = new float[BLOCK];
        // Sub-blocks small enough to stay in the L1 cache. Every inner loop indexes all its arrays with the same
        // i (the tap's shift is done by a copy): HotSpot's C2 on JDK 17 vectorises those loops, not ones with a
        // shifted index into another array (which might alias).
        for (int from = 0; from < frames; from += BLOCK) {
            int n = Math.min(BLOCK, frames - from);
            // branch 0 is the input itself, DELAY samples back (its other taps are zeros of the sinc): no filter
            for (int i = 0; i < n; i++) {
                local[i] = Math.abs(work[h + from - DELAY + i]);
            }
            for (int p = 1; p < FACTOR; p++) {
                float[] c = PHASES[p];
                System.arraycopy(work, h + from, tap, 0, n);
                float c0 = c[0];
                for (int i = 0; i < n; i++) {
                    acc[i] = c0 * tap[i];
                }
                for (int k = 1; k < c.length; k++) {
                    System.arraycopy(work, h + from - k, tap, 0, n);
                    float ck = c[k];
                    for (int i = 0; i < n; i++) {
                        acc[i] += ck * tap[i];
                    }
                }
                for (int i = 0; i < n; i++) {
                    local[i] = Math.max(local[i], Math.abs(acc[i]));
                }
            }
            for (int i = 0; i < n; i++) {
                peaks[from + i] = Math.max(peaks[from + i], local[i]);
            }
        }
    }

    /** Samples per sub-block of {@link #peaks}. */
    static final int BLOCK = 1024;
}
