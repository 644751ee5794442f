package ai.aimix.dsp.mix;

/**
 * Index of each per-stem parameter in a parameter vector; the same order as the model's outputs
 * ({@code ai.aimix.model.ModelOutput}) and the contract's {@code MixParameter} enum (a test keeps them aligned).
 */
public final class MixParams {
    public static final int GAIN_DB = 0;
    public static final int PAN = 1;
    public static final int LOW_SHELF_DB = 2;
    public static final int MID_PEAK_DB = 3;
    public static final int HIGH_SHELF_DB = 4;
    public static final int COMP_THRESHOLD_DB = 5;
    public static final int COMP_RATIO = 6;
    public static final int COUNT = 7;

    private MixParams() {}

    public static float[] neutral() {
        return new float[] {0f, 0f, 0f, 0f, 0f, 0f, 1f};
    }

    static double dbToLinear(double db) {
        return Math.pow(10, db / 20);
    }
}
