package ai.aimix.dsp.spectral;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jtransforms.fft.FloatFFT_1D;

/** |FFT(window * frame)|^2 over bins 0..n/2 with JTransforms. Not thread-safe (owns its work buffer). */
public final class PowerSpectrum {
    private final int nFft;
    private final float[] window;
    private final FloatFFT_1D fft;
    private final float[] work;

    /** FFT plans and windows are immutable and costly to build: one per size, shared. */
    private static final Map<Integer, Object[]> PLANS = new ConcurrentHashMap<>();

    public PowerSpectrum(int nFft) {
        if (nFft < 2 || Integer.bitCount(nFft) != 1) {
            throw new IllegalArgumentException("n_fft must be a power of two, got " + nFft);
        }
        this.nFft = nFft;
        Object[] plan = PLANS.computeIfAbsent(nFft, n -> new Object[] {Windows.periodicHann(n), new FloatFFT_1D(n)});
        this.window = (float[]) plan[0];
        this.fft = (FloatFFT_1D) plan[1];
        this.work = new float[nFft];
    }

    public int nFft() {
        return nFft;
    }

    public int bins() {
        return nFft / 2 + 1;
    }

    /** Power of the frame {@code src[offset .. offset + nFft)} into {@code power[0 .. bins)}. */
    public void compute(float[] src, int offset, float[] power) {
        for (int i = 0; i < nFft; i++) {
            work[i] = src[offset + i] * window[i];
        }
        fft.realForward(work);
        // JTransforms packing: work[0] = Re(0), work[1] = Re(n/2), work[2k], work[2k+1] = Re(k), Im(k)
        power[0] = work[0] * work[0];
        power[nFft / 2] = work[1] * work[1];
        for (int k = 1; k < nFft / 2; k++) {
            float re = work[2 * k];
            float im = work[2 * k + 1];
            power[k] = re * re + im * im;
        }
    }
}
