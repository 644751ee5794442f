package ai.aimix.learn;

import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import ai.aimix.schema.StemRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;

/**
 * Trains a whole mixnet-2 ({@link MixNet2Shape}) on the feature store: convolutions, embedding layer and head
 * together, by the exact gradients of {@link MixNet2Pass} and Adam, on the weighted squared error between the raw
 * outputs and the ideal corrections' raw values ((ideal - neutral) / step), segments where a stem is silent weighing
 * {@link Settings#inactiveWeight}. A batch is a number of whole mix segments (the context needs every stem of one).
 * The descriptors are standardised with the training rows' mean and deviation, kept in the model ({@code desc.*}).
 * Deterministic for a seed, whatever the number of threads; resumable from the checkpoint written after each epoch.
 */
public final class MixNet2Trainer {
    /** Training settings. */
    public static final class Settings {
        public static final int DEFAULT_EPOCHS = 20;
        public static final int DEFAULT_BATCH_SEGMENTS = 8;
        public static final double DEFAULT_LEARNING_RATE = 2e-3;

        public MixNet2Shape shape = MixNet2Shape.DEFAULT;
        public int epochs = DEFAULT_EPOCHS;
        /** Mix segments per batch. */
        public int batchSegments = DEFAULT_BATCH_SEGMENTS;

        public double learningRate = DEFAULT_LEARNING_RATE;
        public long seed = 1;
        /** Ablation: feed the time-pooled spectrum (false: a descriptors-only model). */
        public boolean mel = true;
        /** Ablation: feed the descriptors (false: a spectrogram-only model). */
        public boolean descriptors = true;
        /** Loss weight per output in ModelOutput order. */
        public float[] lossWeights = {2f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};

        public float inactiveWeight = 0.05f;
        public float activeDb = Activity.DEFAULT_DB;
        public SpecAugment augment = SpecAugment.none();
        public int threads = Runtime.getRuntime().availableProcessors();
        /** Print the loss every this many steps (0: never). */
        public int logEverySteps = 200;
    }

    public record Result(MixNet2Weights weights, List<Trainer.EpochReport> history, int resumedFromEpoch) {}

    private final FeatureStore store;
    private final FeatureIndex index;
    private final Settings s;

    public MixNet2Trainer(FeatureStore store, FeatureIndex index, Settings settings) {
        if (StemDescriptors.COUNT != MixNet2Shape.DESCRIPTORS
                || StemDescriptors.CREST_DB != MixNet2Shape.DESCRIPTOR_CREST) {
            throw new IllegalStateException("the model takes " + MixNet2Shape.DESCRIPTORS
                    + " descriptors with the crest at " + MixNet2Shape.DESCRIPTOR_CREST + ", dsp measures "
                    + StemDescriptors.COUNT + " with the crest at " + StemDescriptors.CREST_DB);
        }
        if (index.bands != MixNet2Shape.MEL_BANDS) {
            throw new IllegalArgumentException("the feature store's log-mel has " + index.bands
                    + " bands; mixnet-2 takes " + MixNet2Shape.MEL_BANDS);
        }
        if (!settings.mel && !settings.descriptors) {
            throw new IllegalArgumentException("a model needs the spectrum, the descriptors or both");
        }
        this.store = store;
        this.index = index;
        this.s = settings;
    }

    public Result train(Trainer.Listener listener, Path checkpoint) throws Exception {
        List<FeatureIndex.SongRecord> trainSongs = index.split("TRAIN");
        List<FeatureIndex.SongRecord> valSongs = index.originals("VALIDATION");
        if (trainSongs.isEmpty() || valSongs.isEmpty()) {
            throw new IllegalArgumentException("the feature store needs training and validation songs (has "
                    + trainSongs.size() + " and " + valSongs.size() + "); build more songs");
        }
        requireHeap(trainSongs, valSongs);
        List<List<MixNet2Pass.Example>> train = segments(trainSongs, 0);
        List<List<MixNet2Pass.Example>> validation = segments(valSongs, trainSongs.size());
        if (train.size() < s.batchSegments) {
            throw new IllegalArgumentException("the training songs have " + train.size() + " segments, fewer than one "
                    + "batch of " + s.batchSegments + ": build more songs or lower --batch-segments");
        }
        MixNet2Weights w = MixNet2Weights.init(s.shape, s.seed);
        standardise(train, w);
        ForkJoinPool pool = s.threads > 1 ? new ForkJoinPool(s.threads) : null;
        try {
            MixNet2Pass pass = new MixNet2Pass(w, s.mel, s.descriptors, pool);
            Adam adam = new Adam(pass.parameters(), s.learningRate);
            List<Trainer.EpochReport> history = new ArrayList<>();
            int start = 0;
            if (checkpoint != null && Files.exists(checkpoint)) {
                start = restore(checkpoint, pass, adam, history);
            }
            for (int epoch = start; epoch < s.epochs; epoch++) {
                long t0 = System.nanoTime();
                int[] order = Trainer.permutation(train.size(), new SplittableRandom(s.seed * 1_000_003L + epoch));
                SplittableRandom masks = new SplittableRandom(s.seed * 7919L + epoch);
                double sum = 0;
                int batches = 0;
                for (int b = 0; b + s.batchSegments <= order.length; b += s.batchSegments) {
                    List<MixNet2Pass.Example> batch = new ArrayList<>();
                    for (int i = b; i < b + s.batchSegments; i++) {
                        for (MixNet2Pass.Example x : train.get(order[i])) {
                            batch.add(s.augment.isNone() ? x : masked(x, masks));
                        }
                    }
                    float[][] g = pass.zeroGradient();
                    double loss = pass.lossAndGradient(batch, s.lossWeights, g);
                    adam.update(pass.parameters(), g, 1);
                    sum += loss;
                    batches++;
                    if (s.logEverySteps > 0 && adam.steps() % s.logEverySteps == 0) {
                        listener.step(epoch, adam.steps(), loss);
                    }
                }
                double[] v = evaluate(pass, validation);
                Trainer.EpochReport r = new Trainer.EpochReport(
                        epoch, sum / Math.max(1, batches), v[0], v[1], adam.steps(), (System.nanoTime() - t0) / 1e9);
                history.add(r);
                listener.epoch(r);
                if (checkpoint != null) {
                    save(checkpoint, epoch + 1, pass, adam, history);
                }
            }
            return new Result(servable(w), history, start);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** The weights as the ONNX graph runs them: an input the ablation left out gets zero weights. */
    private MixNet2Weights servable(MixNet2Weights trained) {
        MixNet2Weights w = trained.copy();
        MixNet2Shape shape = w.shape();
        float[] enc = w.get("enc.weight");
        int features = shape.features();
        int spectrum = shape.c2() * MixNet2Shape.BANDS;
        for (int i = 0; i < shape.embedding(); i++) {
            for (int k = 0; k < features; k++) {
                boolean isSpectrum = k < spectrum;
                if ((isSpectrum && !s.mel) || (!isSpectrum && !s.descriptors)) {
                    enc[i * features + k] = 0f;
                }
            }
        }
        return w;
    }

    private MixNet2Pass.Example masked(MixNet2Pass.Example x, SplittableRandom r) {
        return x.withMasked(s.augment.apply(x.melFloats(), MixNet2Shape.MEL_BANDS, x.frames(), r));
    }

    /** Validation loss and per-stem relative level error (dB RMS), as {@link Trainer} reports them. */
    double[] evaluate(MixNet2Pass pass, List<List<MixNet2Pass.Example>> segments) throws Exception {
        double loss = 0;
        double weights = 0;
        Map<Long, double[]> perStem = new HashMap<>();
        for (int b = 0; b < segments.size(); b += s.batchSegments) {
            List<MixNet2Pass.Example> batch = new ArrayList<>();
            for (int i = b; i < Math.min(segments.size(), b + s.batchSegments); i++) {
                batch.addAll(segments.get(i));
            }
            float[][] raw = pass.raw(batch);
            for (int i = 0; i < batch.size(); i++) {
                MixNet2Pass.Example x = batch.get(i);
                for (int o = 0; o < raw[i].length; o++) {
                    double e = raw[i][o] - x.target()[o];
                    loss += x.weight() * s.lossWeights[o] * e * e;
                }
                weights += x.weight();
                if (x.weight() >= 1f) {
                    ModelOutput g = ModelOutput.GAIN_DB;
                    long song = x.group() >>> 32;
                    int stem = x.stem();
                    double[] acc = perStem.computeIfAbsent((song << 16) | stem, k -> new double[3]);
                    acc[0] += g.clamp(g.neutral() + g.step() * raw[i][g.ordinal()]);
                    acc[1]++;
                    acc[2] = g.neutral() + g.step() * x.target()[g.ordinal()];
                }
            }
        }
        return new double[] {loss / Math.max(1e-9, weights), Trainer.relativeLevelError(perStem)};
    }

    /**
     * Refuses, before reading them, songs whose spectrograms would not fit this JVM's heap (float16, all of them are
     * held for the shuffles), naming the heap to ask for.
     */
    private void requireHeap(List<FeatureIndex.SongRecord> train, List<FeatureIndex.SongRecord> validation) {
        long bytes = 0;
        for (List<FeatureIndex.SongRecord> songs : List.of(train, validation)) {
            for (FeatureIndex.SongRecord song : songs) {
                long frames = 0;
                for (int f : song.segmentMelFrames) {
                    frames += Math.max(MixNet2Shape.MIN_FRAMES, f);
                }
                bytes += (long) song.stems.size() * frames * index.bands * 2;
            }
        }
        long heap = Runtime.getRuntime().maxMemory();
        // the spectrograms, plus room for the convolutions' work space, the descriptors and the JVM's own
        long needed = bytes + (512L << 20);
        if (needed > heap * 0.9) {
            throw new IllegalArgumentException(String.format(
                    "the training and validation spectrograms take %.1f GB, more than this JVM's %.1f GB heap holds "
                            + "with the rest: raise it (./aimix reads AIMIX_JAVA_OPTS, e.g. \"-Xmx%dg\")",
                    bytes / 1e9, heap / 1e9, (long) Math.ceil(needed / 0.9 / (1L << 30)) + 1));
        }
    }

    /** Every segment of the songs as one list of stems; group ids are {@code (offset + song) << 32 | segment}. */
    List<List<MixNet2Pass.Example>> segments(List<FeatureIndex.SongRecord> songs, int offset) throws IOException {
        int bands = index.bands;
        List<List<MixNet2Pass.Example>> out = new ArrayList<>();
        for (int si = 0; si < songs.size(); si++) {
            FeatureIndex.SongRecord song = songs.get(si);
            float[][][] f = store.read(song, bands);
            float[][][] d = store.readDescriptors(song);
            for (int k = 0; k < song.segmentMelFrames.length; k++) {
                int frames = Math.max(MixNet2Shape.MIN_FRAMES, song.segmentMelFrames[k]);
                List<MixNet2Pass.Example> seg = new ArrayList<>();
                for (int i = 0; i < song.stems.size(); i++) {
                    float[] mel = FeatureStore.segment(f[i][k], bands, song.maxFrames, song.segmentMelFrames[k]);
                    if (frames != song.segmentMelFrames[k]) {
                        mel = SegmentMels.pad(mel, bands, song.segmentMelFrames[k], frames);
                    }
                    FeatureIndex.StemRecord st = song.stems.get(i);
                    float[] target = new float[ModelOutput.COUNT];
                    for (ModelOutput o : ModelOutput.values()) {
                        target[o.ordinal()] = (st.ideal[o.ordinal()] - o.neutral()) / o.step();
                    }
                    float weight = Activity.active(mel, bands, frames, s.activeDb) ? 1f : s.inactiveWeight;
                    MixNet2Pass.Example x = MixNet2Pass.Example.of(
                            mel,
                            frames,
                            d[i][k],
                            StemRole.valueOf(st.role).ordinal(),
                            ((long) (offset + si) << 32) | k,
                            i,
                            target,
                            weight);
                    seg.add(x);
                }
                out.add(seg);
            }
        }
        return out;
    }

    /** The descriptors' mean and deviation over the training rows, into {@code desc.mean} and {@code desc.scale}. */
    static void standardise(List<List<MixNet2Pass.Example>> train, MixNet2Weights w) {
        int n = MixNet2Shape.DESCRIPTORS;
        double[] sum = new double[n];
        double[] sq = new double[n];
        long rows = 0;
        for (List<MixNet2Pass.Example> seg : train) {
            for (MixNet2Pass.Example x : seg) {
                for (int d = 0; d < n; d++) {
                    sum[d] += x.descriptors()[d];
                    sq[d] += (double) x.descriptors()[d] * x.descriptors()[d];
                }
                rows++;
            }
        }
        float[] mean = w.get("desc.mean");
        float[] scale = w.get("desc.scale");
        for (int d = 0; d < n; d++) {
            double m = sum[d] / Math.max(1, rows);
            mean[d] = (float) m;
            scale[d] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[d] / Math.max(1, rows) - m * m)));
        }
    }

    private static final int CHECKPOINT_MAGIC = 0x414D5832; // "AMX2"

    /** What besides the seed a checkpoint must match: the widths and the inputs. */
    private String setup() {
        return s.shape + " mel=" + s.mel + " descriptors=" + s.descriptors;
    }

    private void save(Path file, int nextEpoch, MixNet2Pass pass, Adam adam, List<Trainer.EpochReport> history)
            throws IOException {
        TrainingCheckpoint.save(file, CHECKPOINT_MAGIC, s.seed, setup(), nextEpoch, pass.parameters(), adam, history);
    }

    private int restore(Path file, MixNet2Pass pass, Adam adam, List<Trainer.EpochReport> history) throws IOException {
        return TrainingCheckpoint.restore(file, CHECKPOINT_MAGIC, s.seed, setup(), pass.parameters(), adam, history);
    }
}
