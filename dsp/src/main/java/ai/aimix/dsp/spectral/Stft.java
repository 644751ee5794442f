package ai.aimix.dsp.spectral;

/** Whole-array short-time Fourier transforms, librosa conventions (center=True). */
public final class Stft {
    private Stft() {}

    /** Number of frames of a centred STFT of n samples: 1 + floor(n / hop). */
    public static int frameCount(long samples, int hop) {
        return (int) (1 + samples / hop);
    }

    /** The signal padded by nFft/2 at both ends. */
    public static float[] pad(float[] x, int nFft, PadMode mode) {
        int p = nFft / 2;
        float[] out = new float[x.length + 2 * p];
        System.arraycopy(x, 0, out, p, x.length);
        if (mode == PadMode.REFLECT) {
            if (x.length <= p) {
                throw new IllegalArgumentException(
                        "reflect padding needs more than " + p + " samples, got " + x.length);
            }
            for (int i = 1; i <= p; i++) {
                out[p - i] = x[i];
                out[p + x.length - 1 + i] = x[x.length - 1 - i];
            }
        }
        return out;
    }

    /** Power spectrogram [frames][nFft/2 + 1] with a periodic Hann window. */
    public static float[][] power(float[] x, int nFft, int hop, PadMode mode) {
        float[] padded = pad(x, nFft, mode);
        int frames = frameCount(x.length, hop);
        PowerSpectrum ps = new PowerSpectrum(nFft);
        float[][] out = new float[frames][ps.bins()];
        for (int t = 0; t < frames; t++) {
            ps.compute(padded, t * hop, out[t]);
        }
        return out;
    }

    /** Power mel spectrogram [bands][frames] (librosa.feature.melspectrogram with power=2). */
    public static float[][] melPower(float[] x, int nFft, int hop, PadMode mode, MelFilterbank bank) {
        float[][] spec = power(x, nFft, hop, mode);
        float[][] mel = new float[bank.bands()][spec.length];
        float[] col = new float[bank.bands()];
        for (int t = 0; t < spec.length; t++) {
            bank.apply(spec[t], col, 0);
            for (int m = 0; m < col.length; m++) {
                mel[m][t] = col[m];
            }
        }
        return mel;
    }
}
