package ai.aimix.dsp.metrics;

import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.dsp.metrics.peaq.Peaq;
import ai.aimix.dsp.metrics.peaq.PeaqResult;
import ai.aimix.dsp.resample.Resampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything {@code aimix compare} reports about a candidate mix against a reference: both signals' loudness, the
 * multi-resolution STFT distance after loudness matching, the mix features, and PEAQ (basic) at 48 kHz.
 *
 * <p>Inputs are reconciled, never silently: a candidate at another sample rate is resampled to the reference's rate
 * ({@link Resampler}); signals of different lengths are compared over the shorter one; different channel counts, or
 * more than two channels, are refused. Every adjustment is listed in {@link #notes}. The candidate is gained by
 * (reference - candidate) integrated loudness before the MR-STFT distance and PEAQ (a pure level difference is not a
 * mix difference; the gain is reported); features are level-independent or use the toolkit's own peak normalisation,
 * except loudness and peak, which compare the signals as they are. For PEAQ both signals go through the resampler to
 * 48 kHz when they are at another rate.
 */
public final class MixComparison {
    public final int sampleRate;
    public final int channels;
    public final double seconds;
    public final LoudnessAnalysis reference;
    public final LoudnessAnalysis candidate;
    /** Gain applied to the candidate to match the reference's integrated loudness (0 when either is silent). */
    public final double matchGainDb;

    public final MultiResolutionStft.Result mrStft;
    public final List<MixFeatures.Feature> features;
    /** Null when PEAQ was not asked for or could not run (see notes). */
    public final PeaqResult peaq;

    public final List<String> notes;

    private MixComparison(
            int sampleRate,
            int channels,
            double seconds,
            LoudnessAnalysis reference,
            LoudnessAnalysis candidate,
            double matchGainDb,
            MultiResolutionStft.Result mrStft,
            List<MixFeatures.Feature> features,
            PeaqResult peaq,
            List<String> notes) {
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.seconds = seconds;
        this.reference = reference;
        this.candidate = candidate;
        this.matchGainDb = matchGainDb;
        this.mrStft = mrStft;
        this.features = features;
        this.peaq = peaq;
        this.notes = notes;
    }

    /**
     * @throws IllegalArgumentException when the channel layouts differ or have more than two channels, or when
     *     either signal is empty
     */
    public static MixComparison compare(
            float[][] reference, int referenceRate, float[][] candidate, int candidateRate, boolean withPeaq) {
        if (reference.length != candidate.length) {
            throw new IllegalArgumentException(
                    "channel counts differ: reference " + reference.length + ", candidate " + candidate.length);
        }
        if (reference.length > 2) {
            throw new IllegalArgumentException(
                    "compare takes mono or stereo mixes, got " + reference.length + " channels");
        }
        if (reference[0].length == 0 || candidate[0].length == 0) {
            throw new IllegalArgumentException(
                    "no audio: " + (reference[0].length == 0 ? "reference" : "candidate") + " has zero samples");
        }
        List<String> notes = new ArrayList<>();
        float[][] cand = candidate;
        if (candidateRate != referenceRate) {
            cand = new Resampler(candidateRate, referenceRate).process(candidate);
            notes.add("candidate resampled from " + candidateRate + " Hz to the reference's " + referenceRate + " Hz");
        }
        int n = Math.min(reference[0].length, cand[0].length);
        float[][] ref = reference;
        if (reference[0].length != cand[0].length) {
            notes.add(String.format(
                    "lengths differ (reference %.3f s, candidate %.3f s): compared over the first " + "%.3f s",
                    reference[0].length / (double) referenceRate,
                    cand[0].length / (double) referenceRate,
                    n / (double) referenceRate));
            ref = trim(reference, n);
            cand = trim(cand, n);
        }
        ChannelWeights weights = ChannelWeights.forChannels(ref.length);
        LoudnessAnalysis lr = LoudnessAnalysis.of(ref, referenceRate, weights);
        LoudnessAnalysis lc = LoudnessAnalysis.of(cand, referenceRate, weights);
        double gainDb = 0;
        if (Double.isFinite(lr.integratedLufs) && Double.isFinite(lc.integratedLufs)) {
            gainDb = lr.integratedLufs - lc.integratedLufs;
        } else {
            notes.add("no loudness matching: " + (Double.isFinite(lr.integratedLufs) ? "candidate" : "reference")
                    + " has no integrated loudness (silent or under 400 ms)");
        }
        float[][] matched = gain(cand, gainDb);
        MultiResolutionStft.Result mr = MultiResolutionStft.distance(ref, matched);
        List<MixFeatures.Feature> features = MixFeatures.compare(ref, cand, referenceRate);
        PeaqResult peaq = null;
        if (withPeaq) {
            float[][] r48 = ref;
            float[][] c48 = matched;
            if (referenceRate != Peaq.SAMPLE_RATE) {
                Resampler to48 = new Resampler(referenceRate, Peaq.SAMPLE_RATE);
                r48 = to48.process(ref);
                c48 = to48.process(matched);
                notes.add("PEAQ: both signals resampled from " + referenceRate + " Hz to 48000 Hz");
            }
            if (!Double.isFinite(lc.integratedLufs)) {
                notes.add("PEAQ is not meaningful for a silent candidate (it grades impairments of a signal that is "
                        + "present); see the MR-STFT distance");
            }
            try {
                peaq = Peaq.basic(r48, c48);
            } catch (IllegalArgumentException e) {
                notes.add("PEAQ not computed: " + e.getMessage());
            }
        }
        return new MixComparison(
                referenceRate, ref.length, n / (double) referenceRate, lr, lc, gainDb, mr, features, peaq, notes);
    }

    /**
     * Only the MR-STFT distance of {@link #compare} (same loudness matching, same number) for signals of one rate,
     * layout and length, without the features and true peaks: what a simulated listener computes many times.
     */
    public static double matchedDistance(float[][] reference, float[][] candidate, int sampleRate) {
        int n = Math.min(reference[0].length, candidate[0].length);
        float[][] ref = trim(reference, n);
        float[][] cand = trim(candidate, n);
        ChannelWeights weights = ChannelWeights.forChannels(ref.length);
        double lr = integrated(ref, sampleRate, weights);
        double lc = integrated(cand, sampleRate, weights);
        double gainDb = Double.isFinite(lr) && Double.isFinite(lc) ? lr - lc : 0;
        return MultiResolutionStft.distance(ref, gain(cand, gainDb)).distance;
    }

    private static double integrated(float[][] x, int sampleRate, ChannelWeights weights) {
        LoudnessMeter m = new LoudnessMeter(sampleRate, weights);
        m.push(x, 0, x[0].length);
        return m.integratedLufs();
    }

    private static float[][] trim(float[][] x, int n) {
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            out[c] = x[c].length == n ? x[c] : Arrays.copyOf(x[c], n);
        }
        return out;
    }

    private static float[][] gain(float[][] x, double db) {
        if (db == 0) {
            return x;
        }
        float g = (float) Math.pow(10, db / 20);
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            out[c] = new float[x[c].length];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = x[c][i] * g;
            }
        }
        return out;
    }
}
