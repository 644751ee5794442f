package ai.aimix.dsp.filter;

import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Convolution of interleaved audio with one impulse response per channel by FFT overlap-add: the output has the
 * input's length (what the response would ring past the end is cut). Each block of {@code fftSize - irLength + 1}
 * frames is transformed once; the responses' spectra are computed once per call. Double precision throughout, so
 * the result equals direct convolution to float rounding (FftConvolverTest: 1e-6 of the signal's peak).
 */
public final class FftConvolver {
    private FftConvolver() {}

    /**
     * @param audio    interleaved samples, {@code channels} per frame
     * @param channels channels of {@code audio}
     * @param ir       one impulse response per channel (at least one value each)
     * @return the convolved audio, as long as {@code audio}
     */
    public static float[] convolve(float[] audio, int channels, float[][] ir) {
        if (channels < 1 || audio.length % channels != 0) {
            throw new IllegalArgumentException(
                    audio.length + " samples are not whole frames of " + channels + " channels");
        }
        if (ir.length != channels) {
            throw new IllegalArgumentException(ir.length + " impulse responses for " + channels + " channels");
        }
        int frames = audio.length / channels;
        int longest = 1;
        for (float[] h : ir) {
            if (h.length == 0) {
                throw new IllegalArgumentException("an empty impulse response");
            }
            longest = Math.max(longest, h.length);
        }
        int n = Integer.highestOneBit(Math.max(2, 2 * longest - 1));
        n = n < 2 * longest ? 2 * n : n;
        int block = n - longest + 1;
        DoubleFFT_1D fft = new DoubleFFT_1D(n);
        float[] out = new float[audio.length];
        double[] buf = new double[n];
        for (int c = 0; c < channels; c++) {
            double[] h = new double[n];
            for (int i = 0; i < ir[c].length; i++) {
                h[i] = ir[c][i];
            }
            fft.realForward(h);
            for (int start = 0; start < frames; start += block) {
                int len = Math.min(block, frames - start);
                Arrays.fill(buf, 0);
                for (int i = 0; i < len; i++) {
                    buf[i] = audio[(start + i) * channels + c];
                }
                fft.realForward(buf);
                multiply(buf, h, n);
                fft.realInverse(buf, true);
                int end = Math.min(n, frames - start);
                for (int i = 0; i < end; i++) {
                    out[(start + i) * channels + c] += (float) buf[i];
                }
            }
        }
        return out;
    }

    /** {@code x *= h}, both in JTransforms' packed real-FFT layout (Re0, Re(n/2), then Re/Im pairs). */
    private static void multiply(double[] x, double[] h, int n) {
        x[0] *= h[0];
        x[1] *= h[1];
        for (int k = 2; k < n; k += 2) {
            double re = x[k] * h[k] - x[k + 1] * h[k + 1];
            double im = x[k] * h[k + 1] + x[k + 1] * h[k];
            x[k] = re;
            x[k + 1] = im;
        }
    }
}
