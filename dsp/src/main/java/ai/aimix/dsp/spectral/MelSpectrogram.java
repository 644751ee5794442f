package ai.aimix.dsp.spectral;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * librosa's power mel spectrogram ({@code librosa.feature.melspectrogram(y, sr, n_fft, hop_length, center=True,
 * pad_mode, power=2.0)}) computed in librosa's precision, for analysis and golden comparisons.
 *
 * <p>librosa multiplies float32 frames by a float64 periodic Hann window (scipy's {@code get_window}), takes the FFT
 * in float64, stores the result as complex64, then takes {@code abs()} and squares in float32. This class does the
 * same (JTransforms in double precision; the window computed as scipy computes it), so the power spectrogram matches
 * to the last bit or so. The mel product sums in double and rounds once, where numpy calls a float32 BLAS matrix
 * product: the two agree within a few float32 ulps.
 *
 * <p>The streaming path of the mix job ({@link StreamingLogMel}) uses float arithmetic throughout for speed; it
 * agrees with this class to about 1e-6 of each frame's energy.
 */
public final class MelSpectrogram {
    private final int nFft;
    private final int hop;
    private final PadMode pad;
    private final MelFilterbank bank;
    private final double[] window;
    private final DoubleFFT_1D fft;

    public MelSpectrogram(int nFft, int hop, PadMode pad, MelFilterbank bank) {
        if (nFft < 2 || hop < 1) {
            throw new IllegalArgumentException("n_fft " + nFft + " and hop " + hop + " must be positive");
        }
        if (bank.bins() != nFft / 2 + 1) {
            throw new IllegalArgumentException(
                    "filterbank has " + bank.bins() + " bins, n_fft " + nFft + " gives " + (nFft / 2 + 1));
        }
        this.nFft = nFft;
        this.hop = hop;
        this.pad = pad;
        this.bank = bank;
        this.window = scipyPeriodicHann(nFft);
        this.fft = new DoubleFFT_1D(nFft);
    }

    /**
     * scipy.signal.get_window('hann', n, fftbins=True): 0.5 + 0.5 cos(x) over x = linspace(-pi, pi, n + 1),
     * the last point dropped.
     */
    static double[] scipyPeriodicHann(int n) {
        double step = (Math.PI - -Math.PI) / n;
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            double x = k * step + -Math.PI;
            w[k] = 0.5 + 0.5 * Math.cos(x);
        }
        return w;
    }

    public int frames(int samples) {
        return Stft.frameCount(samples, hop);
    }

    /** The power spectrogram, [frames][n_fft / 2 + 1], float32 as librosa returns it. */
    public float[][] power(float[] y) {
        float[] padded = Stft.pad(y, nFft, pad);
        int frames = frames(y.length);
        float[][] out = new float[frames][];
        double[] work = new double[nFft];
        for (int t = 0; t < frames; t++) {
            out[t] = new float[nFft / 2 + 1];
            frame(padded, t * hop, work, out[t]);
        }
        return out;
    }

    private void frame(float[] padded, int offset, double[] work, float[] power) {
        for (int i = 0; i < nFft; i++) {
            work[i] = window[i] * padded[offset + i];
        }
        fft.realForward(work);
        int half = nFft / 2;
        power[0] = square((float) work[0], 0f);
        power[half] = square((float) work[1], 0f);
        for (int k = 1; k < half; k++) {
            power[k] = square((float) work[2 * k], (float) work[2 * k + 1]);
        }
    }

    /** numpy's abs(complex64) ** 2: hypotf (correctly rounded), then a float32 square. */
    private static float square(float re, float im) {
        float h = (float) Math.sqrt((double) re * re + (double) im * im);
        return h * h;
    }

    /** The power mel spectrogram, [bands][frames]. */
    public float[][] mel(float[] y) {
        float[] padded = Stft.pad(y, nFft, pad);
        int frames = frames(y.length);
        float[][] mel = new float[bank.bands()][frames];
        double[] work = new double[nFft];
        float[] power = new float[nFft / 2 + 1];
        float[] column = new float[bank.bands()];
        for (int t = 0; t < frames; t++) {
            frame(padded, t * hop, work, power);
            bank.apply(power, column, 0);
            for (int m = 0; m < column.length; m++) {
                mel[m][t] = column[m];
            }
        }
        return mel;
    }
}
