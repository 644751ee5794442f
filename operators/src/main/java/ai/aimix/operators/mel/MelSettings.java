package ai.aimix.operators.mel;

import java.io.Serializable;

/** Spectrogram settings of the log-mel stage (from MixJobOptions). */
public final class MelSettings implements Serializable {
    private static final long serialVersionUID = 1L;

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
        return new MelSettings(2048, 512, 128, 1);
    }
}
