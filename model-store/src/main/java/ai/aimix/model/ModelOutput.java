package ai.aimix.model;

import ai.aimix.schema.MixParameter;
import ai.aimix.schema.codec.ParameterRanges;

/**
 * The per-stem parameters the mixing model predicts, in output-column order, with their bounded ranges.
 *
 * <p>The network's last layer produces an unbounded value {@code raw} per parameter; the parameter is
 * {@code clamp(neutral + step * raw, min, max)}. With {@code raw = 0} every parameter is neutral: unity gain,
 * centre pan, flat EQ and no compression (ratio 1 and a 0 dBFS threshold).
 */
public enum ModelOutput {
    GAIN_DB(MixParameter.GAIN_DB, 0f, 6f),
    PAN(MixParameter.PAN, 0f, 0.5f),
    LOW_SHELF_DB(MixParameter.LOW_SHELF_DB, 0f, 6f),
    MID_PEAK_DB(MixParameter.MID_PEAK_DB, 0f, 6f),
    HIGH_SHELF_DB(MixParameter.HIGH_SHELF_DB, 0f, 6f),
    COMP_THRESHOLD_DB(MixParameter.COMP_THRESHOLD_DB, 0f, -12f),
    COMP_RATIO(MixParameter.COMP_RATIO, 1f, 4f);

    public static final int COUNT = values().length;

    private final float min;
    private final float max;
    private final float neutral;
    private final float step;

    /** The range is the contract's ({@link ParameterRanges}), so the gateway's renders clamp as the model does. */
    ModelOutput(MixParameter parameter, float neutral, float step) {
        this.min = ParameterRanges.min(parameter);
        this.max = ParameterRanges.max(parameter);
        this.neutral = neutral;
        this.step = step;
    }

    public float min() {
        return min;
    }

    public float max() {
        return max;
    }

    public float neutral() {
        return neutral;
    }

    /** How far one unit of the network's raw output moves the parameter. */
    public float step() {
        return step;
    }

    public float clamp(float value) {
        return Math.max(min, Math.min(max, value));
    }

    /** The neutral parameter vector, in output order. */
    public static float[] neutralVector() {
        float[] v = new float[COUNT];
        for (ModelOutput o : values()) {
            v[o.ordinal()] = o.neutral;
        }
        return v;
    }
}
