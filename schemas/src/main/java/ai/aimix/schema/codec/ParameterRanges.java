package ai.aimix.schema.codec;

import ai.aimix.schema.MixParameter;

/**
 * The range of each mixing parameter, as the contract states it ({@link MixParameter}'s doc): what the model's outputs
 * and a request's overrides are clamped to, by the job and by the gateway's renders alike.
 */
public final class ParameterRanges {
    private static final float[] MIN = {-24f, -1f, -12f, -12f, -12f, -48f, 1f};
    private static final float[] MAX = {12f, 1f, 12f, 12f, 12f, 0f, 20f};

    private ParameterRanges() {}

    public static float min(MixParameter p) {
        return MIN[p.ordinal()];
    }

    public static float max(MixParameter p) {
        return MAX[p.ordinal()];
    }

    public static float clamp(MixParameter p, float value) {
        return Math.max(min(p), Math.min(max(p), value));
    }
}
