package ai.aimix.corpus;

import ai.aimix.dsp.filter.FftConvolver;
import java.util.SplittableRandom;

/**
 * How the clean stems sound as recorded: dry (straight from the synthesizer) or in a room. The room is part of the
 * recording, before the reference mix and the perturbation, so every stem's ideal correction stays exact; it only
 * widens the timbres a model hears.
 */
public enum Recording {
    /** Straight from the synthesizer: the corpus as it always was. */
    DRY,
    /**
     * Each stem convolved with its own synthetic stereo room response ({@link #response}): the direct sound, 6 to
     * 12 early reflections 2 to 35 ms late at -6 to -20 dB (each channel its own, so the room also widens), and a
     * diffuse tail of decaying noise, darker as it decays, with a reverberation time of 0.2 to 0.7 s at -16 to -26 dB.
     */
    ROOM;

    static final double MIN_RT60_S = 0.2;
    static final double MAX_RT60_S = 0.7;
    private static final int MIN_REFLECTIONS = 6;
    private static final int MAX_REFLECTIONS = 12;
    private static final double FIRST_REFLECTION_S = 0.002;
    private static final double LAST_REFLECTION_S = 0.035;
    private static final double LOUDEST_REFLECTION_DB = -6;
    private static final double QUIETEST_REFLECTION_DB = -20;
    private static final double TAIL_START_S = 0.020;
    private static final double LOUDEST_TAIL_DB = -16;
    private static final double QUIETEST_TAIL_DB = -26;
    /** The tail's one-pole low-pass coefficient at its start and its end (air absorption). */
    private static final double TAIL_BRIGHT = 0.2;

    private static final double TAIL_DARK = 0.85;
    /** Decay of 60 dB: amplitude factor exp(-LN_1000 * t / rt60). */
    private static final double LN_1000 = Math.log(1000);

    /** The corpus's recording as its index names it (absent: {@link #DRY}, as corpora before it). */
    public static Recording of(String name) {
        return name == null ? DRY : valueOf(name);
    }

    /** The stem as recorded: {@code clean} (interleaved stereo) itself when dry, else in the room of {@code seed}. */
    public float[] record(float[] clean, int sampleRate, long seed) {
        return this == DRY ? clean : FftConvolver.convolve(clean, 2, response(seed, sampleRate));
    }

    /** The stereo room response of {@code seed}: [channel][tap], tap 0 the direct sound at 1. */
    static float[][] response(long seed, int sampleRate) {
        SplittableRandom r = new SplittableRandom(seed);
        double rt60 = MIN_RT60_S + (MAX_RT60_S - MIN_RT60_S) * r.nextDouble();
        double tailDb = QUIETEST_TAIL_DB + (LOUDEST_TAIL_DB - QUIETEST_TAIL_DB) * r.nextDouble();
        int taps = (int) Math.ceil((TAIL_START_S + rt60) * sampleRate);
        int tailStart = (int) Math.round(TAIL_START_S * sampleRate);
        float[][] ir = new float[2][taps];
        for (int c = 0; c < 2; c++) {
            float[] h = ir[c];
            h[0] = 1f;
            int reflections = MIN_REFLECTIONS + r.nextInt(MAX_REFLECTIONS - MIN_REFLECTIONS + 1);
            for (int k = 0; k < reflections; k++) {
                double delay = FIRST_REFLECTION_S + (LAST_REFLECTION_S - FIRST_REFLECTION_S) * r.nextDouble();
                double db = QUIETEST_REFLECTION_DB + (LOUDEST_REFLECTION_DB - QUIETEST_REFLECTION_DB) * r.nextDouble();
                int at = Math.max(1, (int) Math.round(delay * sampleRate));
                h[at] += (float) ((r.nextBoolean() ? 1 : -1) * Math.pow(10, db / 20));
            }
            double level = Math.pow(10, tailDb / 20);
            double smooth = 0;
            for (int i = tailStart; i < taps; i++) {
                double t = (i - tailStart) / (double) sampleRate;
                double dark = TAIL_BRIGHT + (TAIL_DARK - TAIL_BRIGHT) * Math.min(1, t / rt60);
                smooth = dark * smooth + (1 - dark) * (2 * r.nextDouble() - 1);
                // the one-pole filter takes white noise's RMS down by sqrt((1 - a) / (1 + a)): put it back
                double norm = Math.sqrt((1 + dark) / (1 - dark));
                h[i] += (float) (level * Math.exp(-LN_1000 * t / rt60) * smooth * norm);
            }
        }
        return ir;
    }
}
