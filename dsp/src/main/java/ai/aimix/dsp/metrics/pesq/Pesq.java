package ai.aimix.dsp.metrics.pesq;

import java.util.ArrayList;
import java.util.List;

/**
 * PESQ, ITU-T P.862 (narrowband, mapped to MOS-LQO by P.862.1) and P.862.2 (wideband): the predicted listening
 * quality of a degraded speech signal against its clean reference, both mono at 8000 or 16000 Hz (wideband at
 * 16000 only), as the Recommendations define: level alignment, the IRS or wideband input filter, time alignment
 * per utterance (with delay changes inside an utterance found and split), the perceptual model and the mapping.
 *
 * <p>Written in Java from the Recommendations, in single precision where they compute in it, so that scores agree
 * with the ITU's reference software to the printed digits; docs/MEASUREMENT.md says what was verified and how. The
 * scale of the input does not matter (both signals are level-aligned first); samples in [-1, 1] or 16-bit units
 * give the same score. Thread-safe: each call works on its own state.
 */
public final class Pesq {
    private Pesq() {}

    /** Scores {@code degraded} against {@code reference} (mono, same rate; lengths may differ). */
    public static PesqResult measure(float[] reference, float[] degraded, int sampleRate, PesqMode mode) {
        PesqRate rate = PesqRate.of(sampleRate);
        if (mode == PesqMode.WIDEBAND && sampleRate != 16000) {
            throw new PesqException(
                    PesqException.Reason.SAMPLE_RATE, "wideband PESQ (P.862.2) measures speech at 16000 Hz only");
        }
        check(reference, "reference", sampleRate);
        check(degraded, "degraded", sampleRate);
        FftCache ffts = new FftCache();
        PesqSignal ref = new PesqSignal(rate, reference);
        PesqSignal deg = new PesqSignal(rate, degraded);
        int maxSamples = Math.max(ref.samples, deg.samples);
        if (!hasEnergy(reference)) {
            throw new PesqException(PesqException.Reason.NO_UTTERANCES, "the reference is silent: nothing to score");
        }
        if (!hasEnergy(degraded)) {
            throw new PesqException(
                    PesqException.Reason.SILENT_DEGRADED,
                    "the degraded signal is digital silence; P.862 is not defined for it (its level alignment divides "
                            + "by the signal's power)");
        }
        ref.alignLevel(maxSamples, ffts);
        deg.alignLevel(maxSamples, ffts);
        for (PesqSignal s : List.of(ref, deg)) {
            if (mode == PesqMode.NARROWBAND) {
                s.irsFilter(ffts);
            } else {
                s.widebandFilter();
            }
        }
        float[] modelRef = ref.data.clone();
        float[] modelDeg = deg.data.clone();
        ref.alignmentFilter();
        deg.alignmentFilter();
        ref.detectActivity();
        deg.detectActivity();
        Utterances utterances = new TimeAlignment(ref, deg, ffts).align();
        if (utterances.count < 1) {
            throw new PesqException(
                    PesqException.Reason.NO_UTTERANCES,
                    "no utterances in the reference: PESQ needs speech (at least 200 ms of it above the noise)");
        }
        ref.data = modelRef;
        deg.data = modelDeg;
        int padded = maxSamples + ref.padding();
        ref.padTo(padded);
        deg.padTo(padded);
        float raw = new PerceptualModel(ref, deg, utterances, maxSamples, ffts).rawScore();
        return new PesqResult(mode, sampleRate, raw, mode.mosLqo(raw), describe(utterances, rate));
    }

    private static void check(float[] x, String name, int sampleRate) {
        if (x.length < sampleRate / 4) {
            throw new PesqException(
                    PesqException.Reason.TOO_SHORT,
                    "the " + name + " holds " + x.length + " samples; PESQ needs at least a quarter of a second ("
                            + sampleRate / 4 + ")");
        }
        for (float v : x) {
            if (!Float.isFinite(v)) {
                throw new PesqException(
                        PesqException.Reason.NOT_FINITE, "the " + name + " has NaN or infinite samples");
            }
        }
    }

    private static boolean hasEnergy(float[] x) {
        for (float v : x) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }

    private static List<PesqResult.Utterance> describe(Utterances u, PesqRate rate) {
        List<PesqResult.Utterance> out = new ArrayList<>();
        double window = (double) rate.downsample / rate.sampleRate;
        for (int i = 0; i < u.count; i++) {
            out.add(new PesqResult.Utterance(
                    (u.start[i] - PesqSignal.SEARCH_BUFFER) * window,
                    (u.end[i] - PesqSignal.SEARCH_BUFFER) * window,
                    1000.0 * u.delay[i] / rate.sampleRate));
        }
        return out;
    }
}
