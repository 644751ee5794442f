package ai.aimix.launcher.cli.analysis;

import ai.aimix.dsp.metrics.pesq.Pesq;
import ai.aimix.dsp.metrics.pesq.PesqMode;
import ai.aimix.dsp.metrics.pesq.PesqResult;
import ai.aimix.dsp.resample.Resampler;
import java.util.ArrayList;
import java.util.List;

/**
 * PESQ for {@code compare --pesq}: both files brought to what P.862 takes (mono, 8 or 16 kHz), then scored. Stereo is
 * averaged to mono; other rates are resampled to 16 kHz for wideband or 8 kHz for narrowband, each with a note.
 */
final class SpeechQuality {
    /** The score and what was done to the files to get it. */
    record Measured(PesqResult result, List<String> notes) {}

    private SpeechQuality() {}

    /**
     * @param mode the mode asked for, or null for wideband when the reference is sampled at 16 kHz or more and
     *     narrowband below
     */
    static Measured measure(
            float[][] reference, int referenceRate, float[][] candidate, int candidateRate, PesqMode mode) {
        PesqMode chosen = mode != null ? mode : referenceRate >= 16000 ? PesqMode.WIDEBAND : PesqMode.NARROWBAND;
        if (chosen == PesqMode.WIDEBAND && referenceRate < 16000) {
            throw new IllegalArgumentException("wideband PESQ (P.862.2) needs audio sampled at 16 kHz or more; the "
                    + "reference is at " + referenceRate + " Hz: use --pesq=nb");
        }
        int rate = referenceRate >= 16000 ? 16000 : 8000;
        List<String> notes = new ArrayList<>();
        float[] ref = prepare(reference, referenceRate, rate, "reference", notes);
        float[] cand = prepare(candidate, candidateRate, rate, "candidate", notes);
        return new Measured(Pesq.measure(ref, cand, rate, chosen), notes);
    }

    private static float[] prepare(float[][] planar, int from, int to, String which, List<String> notes) {
        float[] mono = planar[0];
        if (planar.length > 1) {
            mono = new float[planar[0].length];
            for (float[] channel : planar) {
                for (int i = 0; i < mono.length; i++) {
                    mono[i] += channel[i] / planar.length;
                }
            }
            notes.add("PESQ: the " + which + "'s " + planar.length + " channels were averaged to mono (P.862 is mono)");
        }
        if (from != to) {
            mono = new Resampler(from, to).process(mono);
            notes.add("PESQ: the " + which + " was resampled from " + from + " to " + to
                    + " Hz (P.862 takes speech at 8 or 16 kHz)");
        }
        return mono;
    }
}
