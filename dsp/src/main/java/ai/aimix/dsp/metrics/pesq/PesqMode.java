package ai.aimix.dsp.metrics.pesq;

/**
 * Which Recommendation a score follows: narrowband P.862 (an IRS receive filter on both signals; the raw score is
 * mapped to MOS-LQO by P.862.1) at 8 or 16 kHz, or wideband P.862.2 (a flat input with a 100 Hz high-pass instead
 * of the IRS filter, and its own mapping) at 16 kHz only.
 */
public enum PesqMode {
    NARROWBAND(-1.4945f, 4.6607f),
    WIDEBAND(-1.3669f, 3.8224f);

    private final float slope;
    private final float offset;

    PesqMode(float slope, float offset) {
        this.slope = slope;
        this.offset = offset;
    }

    /** The logistic mapping of a raw P.862 score to MOS-LQO: P.862.1 (narrowband) or P.862.2 (wideband). */
    public float mosLqo(float raw) {
        return 0.999f + 4.0f / (1.0f + (float) Math.exp(slope * raw + offset));
    }

    /** {@code nb} or {@code wb}, as command lines name them. */
    public String shortName() {
        return this == NARROWBAND ? "nb" : "wb";
    }
}
