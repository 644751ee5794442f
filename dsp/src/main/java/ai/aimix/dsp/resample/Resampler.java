package ai.aimix.dsp.resample;

/**
 * Rational-ratio sample-rate conversion by band-limited interpolation: the rates' ratio is reduced to L/M
 * (44.1 to 48 kHz is 160/147), and every output sample is a Kaiser-windowed sinc filter (beta 9, about 90 dB stop-band
 * rejection) over {@code 2 * ZERO_CROSSINGS} input samples, evaluated at the output instant from a table of L
 * polyphase branches. The cut-off is {@link #ROLLOFF} of the lower rate's Nyquist frequency. Measured (see
 * ResamplerTest): flat within 0.01 dB up to 0.907 of the lower Nyquist frequency (20 kHz when either rate is
 * 44.1 kHz), -3.8 dB at 0.952, aliases of tones above the output's Nyquist frequency more than 90 dB down.
 */
public final class Resampler {
    static final int ZERO_CROSSINGS = 48;
    static final double ROLLOFF = 0.96;
    static final double BETA = 9.0;

    private final int from;
    private final int to;
    private final int up;
    private final int down;
    /** table[p][m]: weight of input sample (i0 - ZERO_CROSSINGS + 1 + m) for output phase p. */
    private final float[][] table;

    public Resampler(int fromRate, int toRate) {
        if (fromRate < 1 || toRate < 1) {
            throw new IllegalArgumentException("rates must be positive: " + fromRate + " -> " + toRate);
        }
        this.from = fromRate;
        this.to = toRate;
        int g = gcd(fromRate, toRate);
        this.up = toRate / g;
        this.down = fromRate / g;
        if (up > 4096) {
            throw new IllegalArgumentException(
                    "rate ratio " + toRate + "/" + fromRate + " too fine (" + up + " phases)");
        }
        double cutoff = ROLLOFF * Math.min(1.0, (double) up / down); // in units of the input Nyquist frequency
        double half = ZERO_CROSSINGS / Math.min(1.0, (double) up / down);
        int width = (int) Math.ceil(half) * 2;
        table = new float[up][width];
        double i0 = besselI0(BETA);
        for (int p = 0; p < up; p++) {
            double frac = (double) p / up;
            for (int m = 0; m < width; m++) {
                double t = (width / 2 - 1 - m) + frac; // output instant minus input sample position
                if (Math.abs(t) >= half) {
                    continue;
                }
                double x = cutoff * t;
                double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
                double r = t / half;
                table[p][m] = (float) (cutoff * sinc * besselI0(BETA * Math.sqrt(1 - r * r)) / i0);
            }
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 100; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }

    public int fromRate() {
        return from;
    }

    public int toRate() {
        return to;
    }

    /** Output length for an input of {@code n} samples: ceil(n * to / from). */
    public int outputLength(int n) {
        return Math.toIntExact(outputLength((long) n));
    }

    /** Output length for an input of {@code n} samples: ceil(n * to / from). */
    public long outputLength(long n) {
        return n * up / down + (n * up % down == 0 ? 0 : 1);
    }

    /** Resamples one channel; the signal is taken as zero outside the array. */
    public float[] process(float[] x) {
        if (up == down) {
            return x.clone();
        }
        int n = outputLength(x.length);
        float[] y = new float[n];
        for (int k = 0; k < n; k++) {
            y[k] = output(k, x, 0, x.length);
        }
        return y;
    }

    /** Input samples each output sample reads. */
    int width() {
        return table[0].length;
    }

    /** The first input sample output sample {@code k} reads (the window's start; may be negative). */
    long firstInput(long k) {
        return Math.floorDiv(k * down, up) - (width() / 2 - 1);
    }

    /**
     * Output sample {@code k}, where {@code x[j]} holds input sample {@code offset + j} for {@code j < available}
     * and the input is zero elsewhere.
     */
    float output(long k, float[] x, long offset, int available) {
        long pos = k * down;
        long i0 = pos / up;
        float[] h = table[(int) (pos % up)];
        long start = i0 - (h.length / 2 - 1) - offset;
        double acc = 0;
        int m0 = (int) Math.max(0, -start);
        int m1 = (int) Math.min(h.length, available - start);
        for (int m = m0; m < m1; m++) {
            acc += h[m] * x[(int) (start + m)];
        }
        return (float) acc;
    }

    /** A resampler for a signal that arrives in blocks ({@link ResamplerStream}), for {@code channels} channels. */
    public ResamplerStream stream(int channels) {
        return new ResamplerStream(this, channels);
    }

    /** Resamples every channel of a planar signal. */
    public float[][] process(float[][] planar) {
        float[][] out = new float[planar.length][];
        for (int c = 0; c < planar.length; c++) {
            out[c] = process(planar[c]);
        }
        return out;
    }
}
