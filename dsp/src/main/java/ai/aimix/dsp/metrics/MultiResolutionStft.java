package ai.aimix.dsp.metrics;

import ai.aimix.dsp.spectral.Windows;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jtransforms.fft.FloatFFT_1D;

/**
 * Multi-resolution STFT distance (as in auraloss's MultiResolutionSTFTLoss and Steinmetz et al.'s automatic mixing
 * work) between a candidate and a reference of the same length and rate, on the mid (L+R)/2 and side (L-R)/2 signals
 * (or the one channel of mono signals).
 *
 * <p>For each FFT size in {@link #FFT_SIZES} (hop a quarter of it, periodic Hann window, frames centred with zero
 * padding), magnitudes are {@code sqrt(max(|X|^2, 1e-8))} of the unnormalised DFT, and
 * <ul>
 *   <li>spectral convergence SC = ||Y - X||_F / ||Y||_F (Y the reference, X the candidate);</li>
 *   <li>log-magnitude distance LM = mean |ln Y - ln X| over all frames and bins.</li>
 * </ul>
 * A signal's distance is the mean over resolutions of SC + LM; the total is the mean of mid and side. The side of a
 * near-mono reference would make SC's denominator vanish, so the side's is floored at 1 % (-40 dB) of the mid's
 * norm. Loudness matching is the caller's job ({@link MixComparison} does it).
 */
public final class MultiResolutionStft {
    public static final int[] FFT_SIZES = {512, 2048, 8192};
    static final double POWER_FLOOR = 1e-8;
    static final double SIDE_FLOOR = 0.01;

    private MultiResolutionStft() {}

    /** One resolution of one signal. */
    public static final class Term {
        public final String signal;
        public final int fftSize;
        public final double spectralConvergence;
        public final double logMagnitude;
        final double diffNorm2;
        final double refNorm2;

        Term(String signal, int fftSize, double sc, double lm, double diffNorm2, double refNorm2) {
            this.signal = signal;
            this.fftSize = fftSize;
            this.spectralConvergence = sc;
            this.logMagnitude = lm;
            this.diffNorm2 = diffNorm2;
            this.refNorm2 = refNorm2;
        }
    }

    /** The distance and its terms. */
    public static final class Result {
        public final double distance;
        public final double mid;
        public final double side;
        public final List<Term> terms;

        Result(double distance, double mid, double side, List<Term> terms) {
            this.distance = distance;
            this.mid = mid;
            this.side = side;
            this.terms = terms;
        }
    }

    /** Planar mono or stereo, same channel count and length. */
    public static Result distance(float[][] reference, float[][] candidate) {
        if (reference.length != candidate.length || reference.length < 1 || reference.length > 2) {
            throw new IllegalArgumentException("MR-STFT compares mono or stereo signals of the same layout, got "
                    + reference.length + " and " + candidate.length + " channels");
        }
        int n = reference[0].length;
        for (int c = 0; c < reference.length; c++) {
            if (reference[c].length != n || candidate[c].length != n) {
                throw new IllegalArgumentException("MR-STFT needs signals of equal length");
            }
        }
        boolean stereo = reference.length == 2;
        float[][] ref = stereo ? midSide(reference) : new float[][] {reference[0]};
        float[][] cand = stereo ? midSide(candidate) : new float[][] {candidate[0]};
        String[] names = stereo ? new String[] {"mid", "side"} : new String[] {"mono"};
        int jobs = names.length * FFT_SIZES.length;
        Term[] terms = new Term[jobs];
        IntStream.range(0, jobs).parallel().forEach(j -> {
            int s = j / FFT_SIZES.length;
            int size = FFT_SIZES[j % FFT_SIZES.length];
            terms[j] = term(names[s], size, ref[s], cand[s]);
        });
        double[] perSignal = new double[names.length];
        for (int s = 0; s < names.length; s++) {
            double sum = 0;
            for (int r = 0; r < FFT_SIZES.length; r++) {
                Term t = terms[s * FFT_SIZES.length + r];
                double sc = t.spectralConvergence;
                if (s == 1) {
                    Term mid = terms[r];
                    double floor = SIDE_FLOOR * SIDE_FLOOR * mid.refNorm2;
                    sc = Math.sqrt(t.diffNorm2 / Math.max(t.refNorm2, floor));
                    terms[s * FFT_SIZES.length + r] =
                            new Term(t.signal, t.fftSize, sc, t.logMagnitude, t.diffNorm2, t.refNorm2);
                }
                sum += sc + t.logMagnitude;
            }
            perSignal[s] = sum / FFT_SIZES.length;
        }
        double total = stereo ? (perSignal[0] + perSignal[1]) / 2 : perSignal[0];
        List<Term> list = new ArrayList<>(List.of(terms));
        return new Result(total, perSignal[0], stereo ? perSignal[1] : Double.NaN, list);
    }

    static float[][] midSide(float[][] lr) {
        int n = lr[0].length;
        float[] mid = new float[n];
        float[] side = new float[n];
        for (int i = 0; i < n; i++) {
            mid[i] = 0.5f * (lr[0][i] + lr[1][i]);
            side[i] = 0.5f * (lr[0][i] - lr[1][i]);
        }
        return new float[][] {mid, side};
    }

    private static Term term(String name, int size, float[] y, float[] x) {
        int hop = size / 4;
        int frames = 1 + y.length / hop;
        float[] window = Windows.periodicHann(size);
        FloatFFT_1D fft = new FloatFFT_1D(size);
        float[] fy = new float[size];
        float[] fx = new float[size];
        int pad = size / 2;
        double diff2 = 0;
        double ref2 = 0;
        double logSum = 0;
        int bins = size / 2 + 1;
        for (int t = 0; t < frames; t++) {
            int start = t * hop - pad;
            for (int i = 0; i < size; i++) {
                int j = start + i;
                boolean in = j >= 0 && j < y.length;
                fy[i] = in ? y[j] * window[i] : 0f;
                fx[i] = in ? x[j] * window[i] : 0f;
            }
            fft.realForward(fy);
            fft.realForward(fx);
            for (int k = 0; k < bins; k++) {
                double py;
                double px;
                if (k == 0) {
                    py = (double) fy[0] * fy[0];
                    px = (double) fx[0] * fx[0];
                } else if (k == size / 2) {
                    py = (double) fy[1] * fy[1];
                    px = (double) fx[1] * fx[1];
                } else {
                    py = (double) fy[2 * k] * fy[2 * k] + (double) fy[2 * k + 1] * fy[2 * k + 1];
                    px = (double) fx[2 * k] * fx[2 * k] + (double) fx[2 * k + 1] * fx[2 * k + 1];
                }
                py = Math.max(py, POWER_FLOOR);
                px = Math.max(px, POWER_FLOOR);
                double my = Math.sqrt(py);
                double mx = Math.sqrt(px);
                diff2 += (my - mx) * (my - mx);
                ref2 += py;
                logSum += Math.abs(Math.log(py / px));
            }
        }
        double sc = Math.sqrt(diff2 / ref2);
        double lm = 0.5 * logSum / ((double) frames * bins);
        return new Term(name, size, sc, lm, diff2, ref2);
    }
}
