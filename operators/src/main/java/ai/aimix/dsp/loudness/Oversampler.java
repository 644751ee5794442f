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

    private Oversampler() {
    }

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
     * {@code frames}. The value for new sample i belongs to input position i - DELAY.
     */
    public static void peaks(float[] work, int frames, float[] peaks, float[] acc) {
        int h = HISTORY - 1;
        for (int p = 0; p < FACTOR; p++) {
            float[] c = PHASES[p];
            java.util.Arrays.fill(acc, 0, frames, 0f);
            for (int k = 0; k < c.length; k++) {
                float ck = c[k];
                int base = h - k;
                for (int i = 0; i < frames; i++) {
                    acc[i] += ck * work[base + i];
                }
            }
            for (int i = 0; i < frames; i++) {
                float v = Math.abs(acc[i]);
                if (v > peaks[i]) {
                    peaks[i] = v;
                }
            }
        }
    }
}
