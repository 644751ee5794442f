package ai.aimix.operators.mel;

import java.io.Serializable;

/** Spectrogram settings of the log-mel stage (from MixJobOptions). */
public final class MelSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** STFT size (periodic Hann window): 42.7 ms at 48 kHz. */
    public static final int DEFAULT_N_FFT = 2048;
    /** STFT hop: a quarter of the window. */
    public static final int DEFAULT_HOP = 512;
    /** Mel bands: what the models are trained on. */
    public static final int DEFAULT_BANDS = 128;

    public final int nFft;
    public final int hop;
    public final int bands;
    public final int threads;

    public MelSettings(int nFft, int hop, int bands, int threads) {
        this.nFft = nFft;
        this.hop = hop;
        this.bands = bands;
        this.threads = threads;
    }

    public static MelSettings defaults() {
        return new MelSettings(DEFAULT_N_FFT, DEFAULT_HOP, DEFAULT_BANDS, 1);
    }
}
