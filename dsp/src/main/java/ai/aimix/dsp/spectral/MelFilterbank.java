package ai.aimix.dsp.spectral;

/**
 * Triangular mel filterbank over the bins of a real FFT, built the way librosa.filters.mel builds it:
 * band edges equally spaced on the mel scale between fmin and fmax, triangles in Hz, and (Slaney
 * normalisation) each triangle scaled by 2 / (upper edge - lower edge) so it has unit area in Hz / 2.
 * Every step rounds where librosa's numpy code rounds (rfftfreq, linspace, a float32 triangle, then the float64
 * norm), so the weights match librosa's float32 filterbank to the last bit, up to the odd last-bit difference
 * between Java's and the C library's exp and log.
 */
public final class MelFilterbank {
    private final int bands;
    private final int bins;
    private final float[][] weights;
    /** Per band, first and one-past-last non-zero bin: the mel product touches only these. */
    private final int[] from;

    private final int[] to;

    public MelFilterbank(
            double sampleRate, int nFft, int bands, double fmin, double fmax, MelScale scale, boolean slaneyNorm) {
        if (bands <= 0 || nFft <= 0 || fmax <= fmin || fmin < 0) {
            throw new IllegalArgumentException(
                    "invalid filterbank: bands " + bands + ", n_fft " + nFft + ", fmin " + fmin + ", fmax " + fmax);
        }
        this.bands = bands;
        this.bins = nFft / 2 + 1;
        // numpy.fft.rfftfreq(n, d=1/sr): k * (1 / (n * d))
        double binWidth = 1.0 / (nFft * (1.0 / sampleRate));
        double[] fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++) {
            fftFreqs[k] = k * binWidth;
        }
        // numpy.linspace(min_mel, max_mel, bands + 2): i * step + start, the last point exactly max_mel
        double melMin = scale.toMel(fmin);
        double melMax = scale.toMel(fmax);
        double step = (melMax - melMin) / (bands + 1);
        double[] edges = new double[bands + 2];
        for (int i = 0; i < edges.length; i++) {
            double mel = i == edges.length - 1 ? melMax : i * step + melMin;
            edges[i] = scale.toHz(mel);
        }
        weights = new float[bands][bins];
        from = new int[bands];
        to = new int[bands];
        for (int m = 0; m < bands; m++) {
            double lowerWidth = edges[m + 1] - edges[m];
            double upperWidth = edges[m + 2] - edges[m + 1];
            double enorm = 2.0 / (edges[m + 2] - edges[m]);
            int first = -1;
            int last = -1;
            for (int k = 0; k < bins; k++) {
                double lower = (fftFreqs[k] - edges[m]) / lowerWidth;
                double upper = (edges[m + 2] - fftFreqs[k]) / upperWidth;
                // librosa stores the triangle in float32 first, then multiplies by the float64 norm and rounds again
                float triangle = (float) Math.max(0.0, Math.min(lower, upper));
                float w = slaneyNorm ? (float) (triangle * enorm) : triangle;
                weights[m][k] = w;
                if (w != 0f) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            from[m] = first < 0 ? 0 : first;
            to[m] = first < 0 ? 0 : last + 1;
        }
    }

    /** librosa defaults: Slaney scale and normalisation, fmin 0, fmax sr / 2. */
    public static MelFilterbank librosaDefault(double sampleRate, int nFft, int bands) {
        return new MelFilterbank(sampleRate, nFft, bands, 0.0, sampleRate / 2, MelScale.SLANEY, true);
    }

    public int bands() {
        return bands;
    }

    public int bins() {
        return bins;
    }

    /** A copy of one band's weights over all bins. */
    public float[] band(int m) {
        return weights[m].clone();
    }

    /**
     * out[m] = sum_k w[m][k] * power[k]: exact products summed in double, rounded once to float (numpy's float32
     * BLAS product rounds as it goes; the two agree within a few float32 ulps).
     */
    public void apply(float[] power, float[] out, int outOffset) {
        for (int m = 0; m < bands; m++) {
            float[] w = weights[m];
            double acc = 0;
            for (int k = from[m]; k < to[m]; k++) {
                acc += (double) w[k] * power[k];
            }
            out[outOffset + m] = (float) acc;
        }
    }
}
