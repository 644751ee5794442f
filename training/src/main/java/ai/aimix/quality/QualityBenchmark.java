package ai.aimix.quality;

import ai.aimix.corpus.Arrangement;
import ai.aimix.corpus.Composer;
import ai.aimix.corpus.CorpusSong;
import ai.aimix.corpus.Genre;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.corpus.Perturbation;
import ai.aimix.corpus.Recording;
import ai.aimix.corpus.Split;
import ai.aimix.corpus.Voicing;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.InOrder;
import ai.aimix.learn.Activity;
import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.schema.StemRole;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The quality benchmark: the test split's songs mixed the way the service mixes them (the job's streaming log-mel
 * per segment, one model run per segment with the segment's stems as one group, the job's renderer with its master
 * loudness normalisation and limiter; the stems' descriptors measured beside the log-mel for models that take them),
 * compared with the songs' reference mixes, next to two baselines: the plain
 * sum of the unmixed inputs, and every input normalised to the same loudness.
 * <ul>
 *   <li>mix distance: the MR-STFT distance to the reference after loudness matching ({@link MixComparison});</li>
 *   <li>level error: per stem, the gain applied on the segments where the stem plays (mean) against its ideal
 *       correction, after removing the song's mean error (the master bus sets the overall level), RMS over stems.</li>
 * </ul>
 */
public final class QualityBenchmark {
    /**
     * One song's figures: {each model..., plain sum, equal loudness}; {@code eqSquares}: per column and EQ band
     * ({@link #EQ_BANDS}), the sum over stems of the squared EQ error (dB²); {@code roleAverageEqSquares} the same
     * for the role-average baseline; {@code panSquares} per column the sum over stems of the squared pan error.
     */
    public record SongScore(
            long seed,
            String genre,
            int stems,
            double[] distance,
            double[] levelErrorDb,
            double[][] eqSquares,
            double[] roleAverageEqSquares,
            double[] panSquares) {}

    /**
     * All songs and the overall figures (mean distance, RMS level error over every stem, RMS EQ error per band over
     * every stem), in the order of {@link #names}: the models, then the two baselines; the EQ error of the
     * role-average baseline (every stem given its role's mean ideal EQ over the training songs); and the RMS pan
     * error over every stem (pan units, -1 left to 1 right; the baselines are centred).
     */
    public record Report(
            List<SongScore> songs,
            double[] meanDistance,
            double[] levelErrorDb,
            List<String> names,
            double[][] eqErrorDb,
            double[] roleAverageEqErrorDb,
            double[] panError) {
        public String model() {
            return names.get(0);
        }
    }

    /** The EQ parameters the EQ error is measured on: low shelf, mid peak, high shelf. */
    public static final int[] EQ_BANDS = {MixParams.LOW_SHELF_DB, MixParams.MID_PEAK_DB, MixParams.HIGH_SHELF_DB};

    public static final List<String> EQ_BAND_NAMES = List.of("low", "mid", "high");

    public static final String PLAIN_SUM = "plain sum";
    public static final String EQUAL_LOUDNESS = "equal loudness";

    public static final double EQUAL_LOUDNESS_LUFS = -23;

    private final FeatureIndex index;
    private final MidiSynth synth;
    /** Which bank played each stem, as when the features were made. */
    private final Voicing voicing;

    private final RenderSettings render;
    private final StemMel mel;
    private final float activeDb;
    /** Per role and EQ band, the mean ideal setting over the training songs (the role-average baseline). */
    private final double[][] roleAverage;
    /** Songs scored at once (the figures do not depend on it: songs are summed in their order). */
    private final int threads;

    /**
     * The benchmark as the service measures it: a feature store's songs, rendered with the store's instruments and
     * the renderer's defaults (the mix job's defaults) at the store's sample rate.
     *
     * @throws IllegalArgumentException when the store's sound font is not installed here
     */
    public static QualityBenchmark forCorpus(FeatureIndex index) {
        return new QualityBenchmark(
                index,
                MidiSynth.matching(index.sounds, index.sampleRate),
                RenderSettings.defaults().forRequest(index.sampleRate, null, null),
                Activity.DEFAULT_DB,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * A benchmark that needs only the code: the first {@code songs} test-split songs (seeds 1, 2, ... whose split is
     * TEST, never a training or battle song) of {@code bars} bars, played by the JDK's built-in instruments and
     * analysed with the given mel settings (the mix job's).
     */
    public static QualityBenchmark builtIn(
            int songs, int bars, int sampleRate, int segmentFrames, int nFft, int hop, int bands, int threads) {
        MidiSynth synth = new MidiSynth(sampleRate, null);
        FeatureIndex index = new FeatureIndex();
        index.sampleRate = sampleRate;
        index.segmentFrames = segmentFrames;
        index.nFft = nFft;
        index.hop = hop;
        index.bands = bands;
        index.sounds = synth.sounds();
        index.bars = bars;
        for (long seed = 1; index.songs.size() < songs; seed++) {
            if (Split.of(seed) == Split.TEST) {
                FeatureIndex.SongRecord r = new FeatureIndex.SongRecord();
                r.seed = seed;
                r.split = Split.TEST.name();
                index.songs.add(r);
            }
        }
        return new QualityBenchmark(
                index,
                synth,
                RenderSettings.defaults().forRequest(sampleRate, null, null),
                Activity.DEFAULT_DB,
                threads);
    }

    public QualityBenchmark(FeatureIndex index, MidiSynth synth, RenderSettings render, float activeDb) {
        this(index, synth, render, activeDb, 1);
    }

    /** {@code threads}: songs scored at once (the sessions are shared; ONNX Runtime sessions run concurrently). */
    public QualityBenchmark(FeatureIndex index, MidiSynth synth, RenderSettings render, float activeDb, int threads) {
        if (!synth.sounds().equals(index.sounds)) {
            throw new IllegalArgumentException("the features were rendered with " + index.sounds + " but this "
                    + "machine renders with " + synth.sounds() + ": the songs would differ");
        }
        this.index = index;
        this.synth = synth;
        this.voicing = voicing(index, synth);
        this.render = render;
        this.mel = new StemMel(index.sampleRate, index.nFft, index.hop, index.bands);
        this.activeDb = activeDb;
        this.roleAverage = roleAverages(index);
        this.threads = Math.max(1, threads);
    }

    /** Per role and EQ band, the mean ideal EQ of the training songs' stems (0 for a role they do not have). */
    static double[][] roleAverages(FeatureIndex index) {
        int roles = StemRole.values().length;
        double[][] sum = new double[roles][EQ_BANDS.length];
        int[] count = new int[roles];
        for (FeatureIndex.SongRecord song : index.split("TRAIN")) {
            for (FeatureIndex.StemRecord st : song.stems) {
                int r = StemRole.valueOf(st.role).ordinal();
                for (int b = 0; b < EQ_BANDS.length; b++) {
                    sum[r][b] += st.ideal[EQ_BANDS[b]];
                }
                count[r]++;
            }
        }
        for (int r = 0; r < roles; r++) {
            for (int b = 0; b < EQ_BANDS.length; b++) {
                sum[r][b] = count[r] == 0 ? 0 : sum[r][b] / count[r];
            }
        }
        return sum;
    }

    /** The voicing a feature store's songs were made with: its banks, unseen genre and unseen bank. */
    public static Voicing voicing(FeatureIndex index, MidiSynth synth) {
        return new Voicing(
                synth.bankNames(),
                index.unseenGenre == null ? null : Genre.valueOf(index.unseenGenre),
                index.unseenBank);
    }

    /** Runs the songs of {@code split} through {@code model}; {@code limit} songs at most (0: all). */
    public Report run(MixNetSession model, String split, int limit, Consumer<SongScore> progress) throws Exception {
        return run(List.of(model), split, limit, progress);
    }

    /** Runs the songs of {@code split} through every model (each song rendered once for all). */
    public Report run(List<MixNetSession> models, String split, int limit, Consumer<SongScore> progress)
            throws Exception {
        List<FeatureIndex.SongRecord> songs = index.originals(split);
        if (limit > 0 && songs.size() > limit) {
            songs = songs.subList(0, limit);
        }
        if (songs.isEmpty()) {
            throw new IllegalArgumentException("the feature store has no " + split + " songs");
        }
        List<SongScore> out = new ArrayList<>();
        int columns = models.size() + 2;
        double[] dist = new double[columns];
        double[] se = new double[columns];
        double[][] eq = new double[columns][EQ_BANDS.length];
        double[] roleEq = new double[EQ_BANDS.length];
        double[] pan = new double[columns];
        int stemsTotal = 0;
        for (SongScore s : scores(songs, models, progress)) {
            out.add(s);
            for (int i = 0; i < columns; i++) {
                dist[i] += s.distance()[i] / songs.size();
                se[i] += s.levelErrorDb()[i] * s.levelErrorDb()[i] * s.stems();
                for (int b = 0; b < EQ_BANDS.length; b++) {
                    eq[i][b] += s.eqSquares()[i][b];
                }
                pan[i] += s.panSquares()[i];
            }
            for (int b = 0; b < EQ_BANDS.length; b++) {
                roleEq[b] += s.roleAverageEqSquares()[b];
            }
            stemsTotal += s.stems();
        }
        double[] level = new double[columns];
        for (int i = 0; i < columns; i++) {
            level[i] = Math.sqrt(se[i] / stemsTotal);
            for (int b = 0; b < EQ_BANDS.length; b++) {
                eq[i][b] = Math.sqrt(eq[i][b] / stemsTotal);
            }
            pan[i] = Math.sqrt(pan[i] / stemsTotal);
        }
        for (int b = 0; b < EQ_BANDS.length; b++) {
            roleEq[b] = Math.sqrt(roleEq[b] / stemsTotal);
        }
        List<String> names = new ArrayList<>();
        models.forEach(m -> names.add(m.version()));
        names.add(PLAIN_SUM);
        names.add(EQUAL_LOUDNESS);
        return new Report(out, dist, level, names, eq, roleEq, pan);
    }

    /**
     * Every song's score, in the songs' order; {@link #threads} songs are generated and scored at once, and
     * {@code progress} hears of each in the songs' order.
     */
    private List<SongScore> scores(
            List<FeatureIndex.SongRecord> songs, List<MixNetSession> models, Consumer<SongScore> progress)
            throws Exception {
        Composer composer = new Composer(index.bars, Arrangement.of(index.arrangement));
        Perturbation perturbation = Perturbation.of(index.perturbation);
        Recording recording = Recording.of(index.recording);
        return InOrder.<FeatureIndex.SongRecord, SongScore, Exception>map(
                songs,
                threads,
                "quality-benchmark",
                rec -> score(
                        CorpusSong.generate(rec.seed, composer, synth, voicing, recording, perturbation, render, 1)
                                .get(0),
                        models),
                progress);
    }

    /**
     * What models decide for a song, as the mix job would: per model, segment and stem the parameters, and per
     * segment and stem whether the stem plays (its log-mel above the activity threshold).
     */
    public record Decisions(float[][][][] schedules, boolean[][] active) {}

    /** The models' parameters for {@code song}, from its stems' log-mels and descriptors as the job computes them. */
    public Decisions decide(CorpusSong song, List<MixNetSession> models) throws Exception {
        int n = song.stems.size();
        float[][][] mels = new float[n][][];
        int segmentCount = (song.frames + index.segmentFrames - 1) / index.segmentFrames;
        float[][][] descriptors = new float[n][segmentCount][StemDescriptors.COUNT];
        for (int i = 0; i < n; i++) {
            StemDescriptors d = new StemDescriptors(song.sampleRate, 2, mel.nFft());
            float[][] own = descriptors[i];
            mels[i] = SegmentMels.of(
                    mel,
                    song.stems.get(i).unmixed,
                    2,
                    song.frames,
                    index.segmentFrames,
                    MixNetArchitecture.MIN_FRAMES,
                    d.powerTap(),
                    (k, part, frames) -> d.segment(part, 0, frames, own[k], 0));
        }
        int segments = mels[0].length;
        int m = models.size();
        float[][][][] schedules = new float[m][segments][n][];
        boolean[][] active = new boolean[segments][n];
        for (int k = 0; k < segments; k++) {
            int frames = mels[0][k].length / index.bands;
            MixNetBatch batch = new MixNetBatch(n, frames);
            for (int i = 0; i < n; i++) {
                batch.add(mels[i][k], descriptors[i][k], song.stems.get(i).role.ordinal(), 0);
                active[k][i] = Activity.active(mels[i][k], index.bands, frames, activeDb);
            }
            for (int j = 0; j < m; j++) {
                float[] p = models.get(j).predict(batch);
                for (int i = 0; i < n; i++) {
                    schedules[j][k][i] = Arrays.copyOfRange(p, i * MixParams.COUNT, (i + 1) * MixParams.COUNT);
                }
            }
        }
        return new Decisions(schedules, active);
    }

    /** The render settings songs are mixed with here. */
    public RenderSettings render() {
        return render;
    }

    SongScore score(CorpusSong song, List<MixNetSession> models) throws Exception {
        int n = song.stems.size();
        int m = models.size();
        Decisions decisions = decide(song, models);
        float[][][][] schedules = decisions.schedules();
        boolean[][] active = decisions.active();
        float[][] neutral = new float[n][];
        float[][] equal = new float[n][];
        for (int i = 0; i < n; i++) {
            neutral[i] = MixParams.neutral();
            equal[i] = MixParams.neutral();
            double l = LoudnessAnalysis.ofInterleaved(
                            song.stems.get(i).unmixed, 2, song.sampleRate, ChannelWeights.forChannels(2))
                    .integratedLufs;
            equal[i][MixParams.GAIN_DB] =
                    Double.isFinite(l) ? (float) Math.max(-24, Math.min(12, EQUAL_LOUDNESS_LUFS - l)) : 0f;
        }
        float[][] reference = song.referenceMix(render);
        int columns = m + 2;
        double[] distance = new double[columns];
        double[][] gains = new double[columns][n];
        double[] ideal = new double[n];
        for (int c = 0; c < columns; c++) {
            float[][] mix = c < m
                    ? song.mix(render, schedules[c])
                    : song.mix(render, song.constant(render, c == m ? neutral : equal));
            distance[c] =
                    MixComparison.compare(reference, song.sampleRate, mix, song.sampleRate, false).mrStft.distance;
        }
        for (int i = 0; i < n; i++) {
            ideal[i] = song.stems.get(i).ideal[MixParams.GAIN_DB];
            for (int c = 0; c < m; c++) {
                gains[c][i] = meanWhereActive(schedules[c], active, i, MixParams.GAIN_DB);
            }
            gains[m][i] = 0;
            gains[m + 1][i] = equal[i][MixParams.GAIN_DB];
        }
        double[] level = new double[columns];
        for (int c = 0; c < columns; c++) {
            level[c] = relativeRms(gains[c], ideal);
        }
        // EQ: a model's mean setting over the segments where the stem plays against the ideal; the baselines are flat
        double[][] eq = new double[columns][EQ_BANDS.length];
        double[] roleEq = new double[EQ_BANDS.length];
        for (int i = 0; i < n; i++) {
            CorpusSong.Stem stem = song.stems.get(i);
            for (int b = 0; b < EQ_BANDS.length; b++) {
                int p = EQ_BANDS[b];
                for (int c = 0; c < columns; c++) {
                    double setting = c < m ? meanWhereActive(schedules[c], active, i, p) : 0;
                    double e = setting - stem.ideal[p];
                    eq[c][b] += e * e;
                }
                double e = roleAverage[stem.role.ordinal()][b] - stem.ideal[p];
                roleEq[b] += e * e;
            }
        }
        // pan: a model's mean setting where the stem plays against the ideal; the baselines are centred
        double[] pan = new double[columns];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < columns; c++) {
                double e = (c < m ? meanWhereActive(schedules[c], active, i, MixParams.PAN) : 0)
                        - song.stems.get(i).ideal[MixParams.PAN];
                pan[c] += e * e;
            }
        }
        return new SongScore(song.seed(), song.song.genre().name(), n, distance, level, eq, roleEq, pan);
    }

    /** A stem's mean setting of parameter {@code p} over the segments where it plays (the first, if none). */
    private static double meanWhereActive(float[][][] schedule, boolean[][] active, int stem, int p) {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < schedule.length; k++) {
            if (active[k][stem]) {
                sum += schedule[k][stem][p];
                count++;
            }
        }
        return count > 0 ? sum / count : schedule[0][stem][p];
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
