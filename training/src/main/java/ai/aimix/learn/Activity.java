package ai.aimix.learn;

import java.util.Arrays;

/** Whether a stem plays in a segment, judged from its log-mel: the loudest tenth of its frames, band-averaged. */
public final class Activity {
    /** The threshold the trainer and the quality benchmark use, dB. */
    public static final float DEFAULT_DB = -70f;

    private Activity() {}

    public static boolean active(float[] mel, int bands, int frames, float thresholdDb) {
        float[] level = new float[frames];
        for (int b = 0; b < bands; b++) {
            for (int t = 0; t < frames; t++) {
                level[t] += mel[b * frames + t] / bands;
            }
        }
        Arrays.sort(level);
        double top = 0;
        int n = Math.max(1, frames / 10);
        for (int i = frames - n; i < frames; i++) {
            top += level[i];
        }
        return top / n > thresholdDb;
    }
}
