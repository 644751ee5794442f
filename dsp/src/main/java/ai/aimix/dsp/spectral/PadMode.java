package ai.aimix.dsp.spectral;

/** How a centred STFT pads n_fft / 2 samples at both ends (librosa's pad_mode). */
public enum PadMode {
    /** Zeros: librosa >= 0.10's default. */
    CONSTANT,
    /** Mirror without repeating the edge sample (numpy 'reflect'). */
    REFLECT
}
