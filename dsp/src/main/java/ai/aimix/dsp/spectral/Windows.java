package ai.aimix.dsp.spectral;

/** Analysis windows. */
public final class Windows {
    private Windows() {}

    /** Periodic Hann window of length n (scipy.signal.get_window('hann', n, fftbins=True), librosa's default). */
    public static float[] periodicHann(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / n));
        }
        return w;
    }
}
