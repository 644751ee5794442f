package ai.aimix.dsp.mix;

/**
 * Constant-power panning. A mono source at position p in [-1, 1] feeds left with cos(theta) and right with
 * sin(theta), theta = (p + 1) pi / 4, so left^2 + right^2 = 1 everywhere (-3 dB per side at the centre). A stereo
 * source uses the same law as a balance control scaled by sqrt(2), so at the centre each side passes at unity.
 */
public final class PanLaw {
    private PanLaw() {}

    /** {left gain, right gain} for a source with 1 or 2 channels. */
    public static double[] gains(double pan, int channels) {
        double p = Math.max(-1, Math.min(1, pan));
        double theta = (p + 1) * Math.PI / 4;
        double scale = channels == 2 ? Math.sqrt(2) : 1.0;
        return new double[] {scale * Math.cos(theta), scale * Math.sin(theta)};
    }
}
