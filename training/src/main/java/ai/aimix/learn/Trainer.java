package ai.aimix.learn;

import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetReference;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.runtime.EncoderSession;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.schema.StemRole;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains the mixnet's dense head on the feature store, with explicit gradients and Adam, on a fixed encoder
 * ({@link EncoderInit}): every epoch the training songs' segments (optionally SpecAugment-ed) go through the encoder
 * in ONNX Runtime, each stem's row is [embedding, mean embedding of its segment's stems, one-hot role], and the
 * head is fitted to the ideal corrections' raw values, (ideal - neutral) / step, with a weighted squared error;
 * segments where a stem is silent count {@link Settings#inactiveWeight} as much. Inputs are standardised with the
 * training set's statistics, folded into the first layer when the model is written, so the ONNX graph is unchanged.
 * Deterministic for a seed (shuffles and masks seeded per epoch, single-threaded sessions), and resumable from the
 * checkpoint written after every epoch: a resumed run ends with the same weights as an uninterrupted one.
 */
public final class Trainer {
    /** Training settings. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        /** Passes over the training songs: the recipe of the shipped model. */
        public static final int DEFAULT_EPOCHS = 30;

        public static final int DEFAULT_BATCH_SIZE = 64;
        public static final double DEFAULT_LEARNING_RATE = 3e-3;
        public static final long DEFAULT_SEED = 1;

        public int epochs = DEFAULT_EPOCHS;
        public int batchSize = DEFAULT_BATCH_SIZE;
        public double learningRate = DEFAULT_LEARNING_RATE;
        public long seed = DEFAULT_SEED;
        public SpecAugment augment = SpecAugment.none();
        /** Loss weight per output in ModelOutput order. */
        public float[] lossWeights = {2f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};

        public float inactiveWeight = 0.05f;
        /** A segment of a stem is active when its loudest frames average above this, dB. */
        public float activeDb = Activity.DEFAULT_DB;

        public int threads = 2;
        public long encoderSeed = 20261124L;
        /** Print the loss every this many steps (0: never). */
        public int logEverySteps = 200;
    }

    /** Progress callbacks. */
    public interface Listener {
        void step(int epoch, long step, double loss);

        void epoch(EpochReport report);
    }

    public record EpochReport(
            int epoch,
            double trainLoss,
            double validationLoss,
            double validationLevelErrorDb,
            long steps,
            double seconds) {}

    public record Result(MixNetWeights weights, List<EpochReport> history, int resumedFromEpoch) {}

    /** One stem in one segment: the head's training example. */
    public static final class Row {
        public final int song;
        public final int stem;
        public final int group;
        public final int role;
        public final float[] target;
        public final float weight;
        public float[] embedding;

        public Row(int song, int stem, int group, int role, float[] target, float weight) {
            this.song = song;
            this.stem = stem;
            this.group = group;
            this.role = role;
            this.target = target;
            this.weight = weight;
        }
    }

    private final FeatureStore store;
    private final FeatureIndex index;
    private final Settings s;
    private final MixNetWeights encoder;
    private final byte[] encoderOnnx;

    public Trainer(FeatureStore store, FeatureIndex index, Settings settings) {
        this.store = store;
        this.index = index;
        this.s = settings;
        this.encoder = EncoderInit.withLevelProbes(settings.encoderSeed);
        this.encoderOnnx = MixNetOnnx.build(encoder, "encoder");
    }

    public Result train(Listener listener, Path checkpoint) throws Exception {
        requireSplits();
        return train(
                listener,
                checkpoint,
                rows(index.split("TRAIN"), null, 0),
                rows(index.originals("VALIDATION"), null, 0));
    }

    private void requireSplits() {
        int train = index.split("TRAIN").size();
        int val = index.originals("VALIDATION").size();
        if (train == 0 || val == 0) {
            throw new IllegalArgumentException("the feature store needs training and validation songs (has " + train
                    + " and " + val + "); build more songs");
        }
    }

    /**
     * Trains on rows already computed (without augmentation) by {@link #songRows}; with augmentation the training
     * songs are encoded again every epoch.
     */
    public Result train(Listener listener, Path checkpoint, List<Row> plainTrain, List<Row> validation)
            throws Exception {
        requireSplits();
        List<FeatureIndex.SongRecord> train = index.split("TRAIN");
        plainTrain = sorted(plainTrain);
        validation = sorted(validation);
        float[][] stats = statistics(plainTrain);
        Head head =
                Head.init(MixNetArchitecture.HEAD_INPUT, MixNetArchitecture.HIDDEN, MixNetArchitecture.OUTPUTS, s.seed);
        Adam adam = new Adam(head.parameters(), s.learningRate);
        List<EpochReport> history = new ArrayList<>();
        int start = 0;
        if (checkpoint != null && Files.exists(checkpoint)) {
            start = restore(checkpoint, head, adam, history);
        }
        int resumed = start;
        for (int epoch = start; epoch < s.epochs; epoch++) {
            long t0 = System.nanoTime();
            List<Row> rows = s.augment.isNone() ? plainTrain : rows(train, s.augment, epoch);
            float[][] x = inputs(rows, stats);
            float[][] y = new float[rows.size()][];
            float[] w = new float[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                y[i] = rows.get(i).target;
                w[i] = rows.get(i).weight;
            }
            int[] order = permutation(rows.size(), new SplittableRandom(s.seed * 1_000_003L + epoch));
            double sum = 0;
            int batches = 0;
            for (int b = 0; b + s.batchSize <= order.length; b += s.batchSize) {
                float[][] bx = new float[s.batchSize][];
                float[][] by = new float[s.batchSize][];
                float[] bw = new float[s.batchSize];
                for (int i = 0; i < s.batchSize; i++) {
                    bx[i] = x[order[b + i]];
                    by[i] = y[order[b + i]];
                    bw[i] = w[order[b + i]];
                }
                float[][] g = head.zeroGradient();
                double loss = head.lossAndGradient(bx, by, bw, s.lossWeights, g);
                adam.update(head.parameters(), g, 1);
                sum += loss;
                batches++;
                if (s.logEverySteps > 0 && adam.steps() % s.logEverySteps == 0) {
                    listener.step(epoch, adam.steps(), loss);
                }
            }
            double[] v = evaluate(head, validation, stats);
            EpochReport r = new EpochReport(
                    epoch, sum / Math.max(1, batches), v[0], v[1], adam.steps(), (System.nanoTime() - t0) / 1e9);
            history.add(r);
            listener.epoch(r);
            if (checkpoint != null) {
                save(checkpoint, epoch + 1, head, adam, history);
            }
        }
        return new Result(EncoderInit.withHead(encoder, fold(head, stats)), history, resumed);
    }

    /** Validation loss and per-stem relative level error (dB, RMS), with the head on standardised inputs. */
    double[] evaluate(Head head, List<Row> rows, float[][] stats) {
        float[][] x = inputs(rows, stats);
        double loss = 0;
        double weights = 0;
        Map<Long, double[]> perStem = new HashMap<>(); // song<<16|stem -> {sum predicted gain, n, ideal}
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            float[] raw = head.forward(x[i]);
            for (int o = 0; o < raw.length; o++) {
                double e = raw[o] - r.target[o];
                loss += r.weight * s.lossWeights[o] * e * e;
            }
            weights += r.weight;
            if (r.weight >= 1f) {
                ModelOutput g = ModelOutput.GAIN_DB;
                double[] acc = perStem.computeIfAbsent(((long) r.song << 16) | r.stem, k -> new double[3]);
                acc[0] += g.clamp(g.neutral() + g.step() * raw[g.ordinal()]);
                acc[1]++;
                acc[2] = g.neutral() + g.step() * r.target[g.ordinal()];
            }
        }
        return new double[] {loss / Math.max(1e-9, weights), relativeLevelError(perStem)};
    }

    /** RMS of per-stem level errors after removing each song's mean error (the master sets the overall level). */
    static double relativeLevelError(Map<Long, double[]> perStem) {
        Map<Long, List<Double>> bySong = new HashMap<>();
        for (Map.Entry<Long, double[]> e : perStem.entrySet()) {
            double[] a = e.getValue();
            bySong.computeIfAbsent(e.getKey() >> 16, k -> new ArrayList<>()).add(a[0] / a[1] - a[2]);
        }
        double se = 0;
        int n = 0;
        for (List<Double> errors : bySong.values()) {
            double mean =
                    errors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            for (double e : errors) {
                se += (e - mean) * (e - mean);
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.sqrt(se / n);
    }

    /** Encoder embeddings of every stem and segment of the songs, masked when {@code augment} is given. */
    List<Row> rows(List<FeatureIndex.SongRecord> songs, SpecAugment augment, int epoch) throws Exception {
        int threads = Math.max(1, Math.min(s.threads, songs.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Row>>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    List<Row> out = new ArrayList<>();
                    try (EncoderSession enc = EncoderSession.open(encoderOnnx, 1)) {
                        for (int i = first; i < songs.size(); i += threads) {
                            out.addAll(songRows(enc, songs.get(i), i, augment, epoch));
                        }
                    }
                    return out;
                }));
            }
            List<Row> all = new ArrayList<>();
            for (Future<List<Row>> f : parts) {
                all.addAll(f.get());
            }
            return sorted(all);
        } finally {
            pool.shutdownNow();
        }
    }

    static List<Row> sorted(List<Row> rows) {
        List<Row> out = new ArrayList<>(rows);
        out.sort(Comparator.<Row>comparingInt(r -> r.song)
                .thenComparingInt(r -> r.group)
                .thenComparingInt(r -> r.stem));
        return out;
    }

    /** The encoder's model file (what {@link #songRows} runs). */
    public byte[] encoderOnnx() {
        return encoderOnnx;
    }

    public FeatureIndex index() {
        return index;
    }

    /**
     * The rows of one song: every segment's stems through the encoder ({@code augment} null: as stored).
     *
     * @param songIndex the song's position in its split
     */
    public List<Row> songRows(
            EncoderSession enc, FeatureIndex.SongRecord song, int songIndex, SpecAugment augment, int epoch)
            throws Exception {
        int bands = index.bands;
        float[][][] f = store.read(song, bands);
        int stems = song.stems.size();
        SplittableRandom r = new SplittableRandom((s.seed * 7919L + epoch) * 1_000_033L + song.seed);
        List<Row> out = new ArrayList<>();
        for (int k = 0; k < song.segmentMelFrames.length; k++) {
            int frames = Math.max(MixNetArchitecture.MIN_FRAMES, song.segmentMelFrames[k]);
            MixNetBatch batch = new MixNetBatch(stems, frames);
            int group = songIndex * 10_000 + k;
            List<Row> seg = new ArrayList<>();
            for (int i = 0; i < stems; i++) {
                float[] mel = FeatureStore.segment(f[i][k], bands, song.maxFrames, song.segmentMelFrames[k]);
                if (frames != song.segmentMelFrames[k]) {
                    mel = SegmentMels.pad(mel, bands, song.segmentMelFrames[k], frames);
                }
                float weight = active(mel, bands, frames) ? 1f : s.inactiveWeight;
                if (augment != null) {
                    mel = augment.apply(mel, bands, frames, r);
                }
                FeatureIndex.StemRecord st = song.stems.get(i);
                int role = StemRole.valueOf(st.role).ordinal();
                batch.add(mel, role, 0);
                float[] target = new float[ModelOutput.COUNT];
                for (ModelOutput o : ModelOutput.values()) {
                    target[o.ordinal()] = (st.ideal[o.ordinal()] - o.neutral()) / o.step();
                }
                seg.add(new Row(songIndex, i, group, role, target, weight));
            }
            float[][] e = enc.embed(batch);
            for (int i = 0; i < stems; i++) {
                seg.get(i).embedding = e[i];
            }
            out.addAll(seg);
        }
        return out;
    }

    boolean active(float[] mel, int bands, int frames) {
        return Activity.active(mel, bands, frames, s.activeDb);
    }

    /** The head's input rows: [embedding, segment mean, one-hot role], embedding parts standardised. */
    static float[][] inputs(List<Row> rows, float[][] stats) {
        int e = MixNetArchitecture.EMBEDDING;
        float[][] x = new float[rows.size()][];
        int i = 0;
        while (i < rows.size()) {
            int j = i;
            while (j < rows.size() && rows.get(j).group == rows.get(i).group) {
                j++;
            }
            float[] ctx = new float[e];
            for (int k = i; k < j; k++) {
                for (int d = 0; d < e; d++) {
                    ctx[d] += rows.get(k).embedding[d] / (j - i);
                }
            }
            for (int k = i; k < j; k++) {
                float[] v = new float[MixNetArchitecture.HEAD_INPUT];
                for (int d = 0; d < e; d++) {
                    v[d] = (rows.get(k).embedding[d] - stats[0][d]) / stats[1][d];
                    v[e + d] = (ctx[d] - stats[0][e + d]) / stats[1][e + d];
                }
                v[2 * e + MixNetReference.clampRole(rows.get(k).role)] = 1f;
                x[k] = v;
            }
            i = j;
        }
        return x;
    }

    /** Mean and standard deviation of the embedding and context inputs over the rows. */
    static float[][] statistics(List<Row> rows) {
        int dims = 2 * MixNetArchitecture.EMBEDDING;
        float[][] identity = {new float[dims], new float[dims]};
        Arrays.fill(identity[1], 1f);
        float[][] raw = inputs(rows, identity);
        double[] mean = new double[dims];
        double[] sq = new double[dims];
        for (float[] v : raw) {
            for (int d = 0; d < dims; d++) {
                mean[d] += v[d];
                sq[d] += (double) v[d] * v[d];
            }
        }
        float[][] out = new float[2][dims];
        for (int d = 0; d < dims; d++) {
            double m = mean[d] / raw.length;
            double var = Math.max(0, sq[d] / raw.length - m * m);
            out[0][d] = (float) m;
            out[1][d] = (float) Math.max(1e-3, Math.sqrt(var));
        }
        return out;
    }

    /** The head on raw inputs: standardisation folded into the first layer. */
    static Head fold(Head h, float[][] stats) {
        Head f = h.copy();
        int dims = stats[0].length;
        for (int j = 0; j < h.hidden; j++) {
            double shift = 0;
            for (int d = 0; d < dims; d++) {
                float w = h.w1[j * h.inputs + d] / stats[1][d];
                f.w1[j * h.inputs + d] = w;
                shift += w * stats[0][d];
            }
            f.b1[j] = (float) (h.b1[j] - shift);
        }
        return f;
    }

    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static final int CHECKPOINT_MAGIC = 0x41494D58; // "AIMX"

    private void save(Path file, int nextEpoch, Head head, Adam adam, List<EpochReport> history) throws IOException {
        TrainingCheckpoint.save(file, CHECKPOINT_MAGIC, s.seed, null, nextEpoch, head.parameters(), adam, history);
    }

    private int restore(Path file, Head head, Adam adam, List<EpochReport> history) throws IOException {
        return TrainingCheckpoint.restore(file, CHECKPOINT_MAGIC, s.seed, null, head.parameters(), adam, history);
    }
}
