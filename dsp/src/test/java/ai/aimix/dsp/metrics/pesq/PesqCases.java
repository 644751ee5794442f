package ai.aimix.dsp.metrics.pesq;

import ai.aimix.dsp.resample.Resampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Reference/degraded pairs built from the speech recording in the test resources, each exercising a part of P.862:
 * the documented pair (speech against the same speech in babble at 0 dB), constant delays, two utterances with
 * different delays (a jump forward, and a jump back that makes P.862 skip frames), a delay change inside one
 * utterance (the split search), a dropout (the bad-interval realignment), a low-pass channel, a level change, and
 * narrowband at 8 kHz. Deterministic: noise comes from seeded {@link Random}s, whose sequence Java specifies.
 */
final class PesqCases {
    /** One pair and how to score it. */
    record Case(String name, float[] reference, float[] degraded, int sampleRate, PesqMode mode) {}

    private PesqCases() {}

    static List<Case> all() {
        PcmWav speech = PcmWav.resource("speech.wav");
        PcmWav babble = PcmWav.resource("speech_bab_0dB.wav");
        double max = Math.max(speech.peak(), babble.peak());
        float[] ref = speech.scaled(max);
        float[] bab = babble.scaled(max);
        int sr = speech.sampleRate();
        List<Case> cases = new ArrayList<>();
        for (PesqMode mode : PesqMode.values()) {
            String m = "-" + mode.shortName();
            cases.add(new Case("babble" + m, ref, bab, sr, mode));
            cases.add(new Case("identical" + m, ref, ref, sr, mode));
            cases.add(new Case("delayed-noisy" + m, ref, noisy(delayed(ref, ms(sr, 123)), 25, 1), sr, mode));
            float[] two = concat(ref, new float[sr], reversed(ref));
            float[] forward =
                    concat(new float[ms(sr, 20)], ref, new float[sr + ms(sr, 40)], reversed(ref), new float[sr / 2]);
            cases.add(new Case("two-utterances-jump-forward" + m, two, noisy(forward, 30, 2), sr, mode));
            float[] back =
                    concat(new float[ms(sr, 80)], ref, new float[sr - ms(sr, 70)], reversed(ref), new float[sr / 2]);
            cases.add(new Case("two-utterances-jump-back" + m, two, noisy(back, 30, 3), sr, mode));
            cases.add(new Case(
                    "delay-change-inside" + m, ref, noisy(inserted(ref, ms(sr, 1600), ms(sr, 24)), 30, 4), sr, mode));
            cases.add(new Case("dropout" + m, ref, noisy(dropout(ref, ms(sr, 1200), ms(sr, 150)), 35, 5), sr, mode));
            cases.add(new Case("low-pass" + m, ref, delayed(lowPass(ref, 0.85f), ms(sr, 7)), sr, mode));
            cases.add(new Case("quieter-babble" + m, ref, scaled(bab, 0.05f), sr, mode));
        }
        Resampler down = new Resampler(sr, 8000);
        float[] ref8 = down.process(ref);
        cases.add(new Case("babble-8k-nb", ref8, down.process(bab), 8000, PesqMode.NARROWBAND));
        cases.add(new Case(
                "delayed-noisy-8k-nb", ref8, noisy(delayed(ref8, ms(8000, 61)), 20, 6), 8000, PesqMode.NARROWBAND));
        cases.add(new Case(
                "dropout-8k-nb", ref8, dropout(ref8, ms(8000, 900), ms(8000, 200)), 8000, PesqMode.NARROWBAND));
        return cases;
    }

    static int ms(int sampleRate, int ms) {
        return sampleRate * ms / 1000;
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static float[] delayed(float[] x, int samples) {
        return concat(new float[samples], x);
    }

    static float[] reversed(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[x.length - 1 - i];
        }
        return out;
    }

    /** {@code x} with {@code length} samples of silence inserted at {@code at}: a delay change mid-utterance. */
    static float[] inserted(float[] x, int at, int length) {
        float[] out = new float[x.length + length];
        System.arraycopy(x, 0, out, 0, at);
        System.arraycopy(x, at, out, at + length, x.length - at);
        return out;
    }

    static float[] dropout(float[] x, int at, int length) {
        float[] out = x.clone();
        for (int i = at; i < at + length; i++) {
            out[i] = 0;
        }
        return out;
    }

    static float[] scaled(float[] x, float gain) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * gain;
        }
        return out;
    }

    /** A one-pole low-pass, y += a (x - y) with a = 1 - pole. */
    static float[] lowPass(float[] x, float pole) {
        float[] out = new float[x.length];
        float y = 0;
        for (int i = 0; i < x.length; i++) {
            y += (1 - pole) * (x[i] - y);
            out[i] = y;
        }
        return out;
    }

    /** White Gaussian noise added at {@code snrDb} below the signal's mean power. */
    static float[] noisy(float[] x, double snrDb, long seed) {
        double power = 0;
        for (float v : x) {
            power += (double) v * v;
        }
        power /= x.length;
        double sigma = Math.sqrt(power / Math.pow(10, snrDb / 10));
        Random random = new Random(seed);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] + sigma * random.nextGaussian());
        }
        return out;
    }
}
