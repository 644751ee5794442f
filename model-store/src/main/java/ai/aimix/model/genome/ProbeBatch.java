package ai.aimix.model.genome;

import java.util.Arrays;
import java.util.SplittableRandom;

/** The probe batch both architectures are checked on: two stems of noise at typical levels, one silent stem. */
final class ProbeBatch {
    static final int FRAMES = 32;
    static final int STEMS = 3;
    static final int[] ROLES = {0, 10, 2};
    static final int[] GROUPS = {0, 0, 0};
    /** The log-mel level of the silent stem, dB. */
    static final float SILENT_DB = -100f;

    private static final float NOISE_LOW_DB = -60f;
    private static final float NOISE_SPAN_DB = 40f;

    private ProbeBatch() {}

    /** [STEMS][bands * FRAMES] log-mel in dB, the same every call. */
    static float[][] mel(int bands) {
        SplittableRandom r = new SplittableRandom(1);
        float[][] mel = new float[STEMS][bands * FRAMES];
        for (int s = 0; s < STEMS - 1; s++) {
            for (int i = 0; i < mel[s].length; i++) {
                mel[s][i] = (float) (NOISE_LOW_DB + NOISE_SPAN_DB * r.nextDouble());
            }
        }
        Arrays.fill(mel[STEMS - 1], SILENT_DB);
        return mel;
    }
}
