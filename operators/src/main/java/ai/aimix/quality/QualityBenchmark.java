package ai.aimix.quality;

import ai.aimix.corpus.Composer;
import ai.aimix.corpus.CorpusSong;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.features.FeatureIndex;
import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.learn.Activity;
import ai.aimix.model.runtime.MixNetSession;

import java.util.ArrayList;
import java.util.List;

/**
 * The quality benchmark: the test split's songs mixed the way the service mixes them (the job's streaming log-mel
 * per segment, one model run per segment with the segment's stems as one group, the job's renderer with its master
 * loudness normalisation and limiter), compared with the songs' reference mixes, next to two baselines: the plain
 * sum of the unmixed inputs, and every input normalised to the same loudness.
 * <ul>
 *   <li>mix distance: the MR-STFT distance to the reference after loudness matching ({@link MixComparison});</li>
 *   <li>level error: per stem, the gain applied on the segments where the stem plays (mean) against its ideal
 *       correction, after removing the song's mean error (the master bus sets the overall level), RMS over stems.</li>
 * </ul>
 */
public final class QualityBenchmark {
    /** One song's figures: {model, plain sum, equal loudness}. */
    public record SongScore(long seed, String genre, int stems, double[] distance, double[] levelErrorDb) {
    }

    /** All songs and the overall figures (mean distance, RMS level error over every stem). */
    public record Report(List<SongScore> songs, double[] meanDistance, double[] levelErrorDb, String model) {
        public static final String[] NAMES = {"model", "plain sum", "equal loudness"};
    }

    public static final double EQUAL_LOUDNESS_LUFS = -23;

    private final FeatureIndex index;
    private final MidiSynth synth;
    private final RenderSettings render;
    private final StemMel mel;
    private final float activeDb;

    public QualityBenchmark(FeatureIndex index, MidiSynth synth, RenderSettings render, float activeDb) {
        if (!synth.sounds().equals(index.sounds)) {
            throw new IllegalArgumentException("the features were rendered with " + index.sounds + " but this "
                    + "machine renders with " + synth.sounds() + ": the songs would differ");
        }
        this.index = index;
        this.synth = synth;
        this.render = render;
        this.mel = new StemMel(index.sampleRate, index.nFft, index.hop, index.bands);
        this.activeDb = activeDb;
    }

    /** Runs the songs of {@code split} through {@code model}; {@code limit} songs at most (0: all). */
    public Report run(MixNetSession model, String split, int limit, java.util.function.Consumer<SongScore> progress)
            throws Exception {
        List<FeatureIndex.SongRecord> songs = index.split(split);
        if (limit > 0 && songs.size() > limit) {
            songs = songs.subList(0, limit);
        }
        if (songs.isEmpty()) {
            throw new IllegalArgumentException("the feature store has no " + split + " songs");
        }
        Composer composer = new Composer(index.bars);
        List<SongScore> out = new ArrayList<>();
        double[] dist = new double[3];
        double[] se = new double[3];
        int stemsTotal = 0;
        for (FeatureIndex.SongRecord rec : songs) {
            CorpusSong song = CorpusSong.generate(rec.seed, composer, synth, render);
            SongScore s = score(song, model);
            out.add(s);
            progress.accept(s);
            for (int i = 0; i < 3; i++) {
                dist[i] += s.distance()[i] / songs.size();
                se[i] += s.levelErrorDb()[i] * s.levelErrorDb()[i] * s.stems();
            }
            stemsTotal += s.stems();
        }
        double[] level = new double[3];
        for (int i = 0; i < 3; i++) {
            level[i] = Math.sqrt(se[i] / stemsTotal);
        }
        return new Report(out, dist, level, model.version());
    }

    SongScore score(CorpusSong song, MixNetSession model) throws Exception {
        int n = song.stems.size();
        float[][][] mels = new float[n][][];
        for (int i = 0; i < n; i++) {
            mels[i] = SegmentMels.of(mel, song.stems.get(i).unmixed, 2, song.frames, index.segmentFrames,
                    MixNetArchitecture.MIN_FRAMES);
        }
        int segments = mels[0].length;
        float[][][] schedule = new float[segments][n][];
        boolean[][] active = new boolean[segments][n];
        for (int k = 0; k < segments; k++) {
            int frames = mels[0][k].length / index.bands;
            MixNetBatch batch = new MixNetBatch(n, frames);
            for (int i = 0; i < n; i++) {
                batch.add(mels[i][k], song.stems.get(i).role.ordinal(), 0);
                active[k][i] = Activity.active(mels[i][k], index.bands, frames, activeDb);
            }
            float[] p = model.predict(batch);
            for (int i = 0; i < n; i++) {
                schedule[k][i] = java.util.Arrays.copyOfRange(p, i * MixParams.COUNT, (i + 1) * MixParams.COUNT);
            }
        }
        float[][] neutral = new float[n][];
        float[][] equal = new float[n][];
        for (int i = 0; i < n; i++) {
            neutral[i] = MixParams.neutral();
            equal[i] = MixParams.neutral();
            double l = LoudnessAnalysis.ofInterleaved(song.stems.get(i).unmixed, 2, song.sampleRate,
                    ChannelWeights.forChannels(2)).integratedLufs;
            equal[i][MixParams.GAIN_DB] = Double.isFinite(l)
                    ? (float) Math.max(-24, Math.min(12, EQUAL_LOUDNESS_LUFS - l)) : 0f;
        }
        float[][] reference = song.referenceMix(render);
        float[][][] candidates = {song.mix(render, schedule), song.mix(render, song.constant(render, neutral)),
            song.mix(render, song.constant(render, equal))};
        double[] distance = new double[3];
        for (int c = 0; c < 3; c++) {
            distance[c] = MixComparison.compare(reference, song.sampleRate, candidates[c], song.sampleRate, false)
                    .mrStft.distance;
        }
        double[][] gains = new double[3][n];
        double[] ideal = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int count = 0;
            for (int k = 0; k < segments; k++) {
                if (active[k][i]) {
                    sum += schedule[k][i][MixParams.GAIN_DB];
                    count++;
                }
            }
            gains[0][i] = count > 0 ? sum / count : schedule[0][i][MixParams.GAIN_DB];
            gains[1][i] = 0;
            gains[2][i] = equal[i][MixParams.GAIN_DB];
            ideal[i] = song.stems.get(i).ideal[MixParams.GAIN_DB];
        }
        double[] level = new double[3];
        for (int c = 0; c < 3; c++) {
            level[c] = relativeRms(gains[c], ideal);
        }
        return new SongScore(song.seed(), song.song.genre().name(), n, distance, level);
    }

    /** RMS of (gain - ideal) after removing its mean. */
    static double relativeRms(double[] gain, double[] ideal) {
        double mean = 0;
        for (int i = 0; i < gain.length; i++) {
            mean += (gain[i] - ideal[i]) / gain.length;
        }
        double se = 0;
        for (int i = 0; i < gain.length; i++) {
            double e = gain[i] - ideal[i] - mean;
            se += e * e;
        }
        return Math.sqrt(se / gain.length);
    }
}
