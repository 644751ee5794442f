package ai.aimix.operators.training;

import ai.aimix.features.FeatureStore;
import ai.aimix.learn.Trainer;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.schema.internal.TrainingOutcome;
import ai.aimix.schema.internal.TrainingRow;
import ai.aimix.schema.internal.TrainingRows;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects every song's rows (one key: the whole training run) and, at the end of the input, fits the head
 * ({@link Trainer}) and emits the model. Progress goes to the log and to the gauges {@code epoch},
 * {@code trainLoss}, {@code validationLevelErrorDb}. The rows are state of this key and cleared when the model is out.
 */
public final class TrainHead extends KeyedProcessFunction<String, TrainingRows, TrainingOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainHead.class);

    private final String features;
    private final Trainer.Settings settings;
    private final String checkpoint;
    private final boolean printProgress;
    private final String modelId;
    private transient ListState<TrainingRows> songs;
    private transient volatile Trainer.EpochReport last;

    /**
     * @param features      the feature store folder
     * @param settings      the trainer's settings
     * @param checkpoint    file the trainer checkpoints to after every epoch (null: none)
     * @param printProgress also print the loss per step and the figures per epoch to standard output
     * @param modelId       id of the trained model version
     */
    public TrainHead(
            String features, Trainer.Settings settings, String checkpoint, boolean printProgress, String modelId) {
        this.features = features;
        this.settings = settings;
        this.checkpoint = checkpoint;
        this.printProgress = printProgress;
        this.modelId = modelId;
    }

    @Override
    public void open(OpenContext ctx) {
        songs = getRuntimeContext().getListState(new ListStateDescriptor<>("songs", TrainingRows.class));
        getRuntimeContext().getMetricGroup().gauge("epoch", (Gauge<Integer>) () -> last == null ? 0 : last.epoch() + 1);
        getRuntimeContext().getMetricGroup().gauge("trainLoss", (Gauge<Double>)
                () -> last == null ? Double.NaN : last.trainLoss());
        getRuntimeContext().getMetricGroup().gauge("validationLevelErrorDb", (Gauge<Double>)
                () -> last == null ? Double.NaN : last.validationLevelErrorDb());
    }

    @Override
    public void processElement(TrainingRows value, Context ctx, Collector<TrainingOutcome> out) throws Exception {
        songs.add(value);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingOutcome> out) throws Exception {
        List<Trainer.Row> train = new ArrayList<>();
        List<Trainer.Row> validation = new ArrayList<>();
        int trainSongs = 0;
        for (TrainingRows song : songs.get()) {
            boolean isTrain = song.getSplit().equals("TRAIN");
            trainSongs += isTrain ? 1 : 0;
            for (TrainingRow r : song.getRows()) {
                Trainer.Row row = new Trainer.Row(
                        song.getSongIndex(),
                        r.getStem(),
                        r.getGroup(),
                        r.getRole(),
                        floats(r.getTarget()),
                        r.getWeight());
                row.embedding = floats(r.getEmbedding());
                (isTrain ? train : validation).add(row);
            }
        }
        FeatureStore store = new FeatureStore(Path.of(features));
        long t0 = System.nanoTime();
        boolean print = printProgress;
        Trainer.Result r = new Trainer(store, store.readIndex(), settings)
                .train(
                        new Trainer.Listener() {
                            @Override
                            public void step(int epoch, long step, double loss) {
                                LOG.info("step {} loss {}", step, String.format("%.4f", loss));
                                if (print) {
                                    System.out.printf("  step %6d  loss %.4f%n", step, loss);
                                }
                            }

                            @Override
                            public void epoch(Trainer.EpochReport e) {
                                last = e;
                                LOG.info(
                                        "epoch {}: train loss {} validation loss {} level error {} dB",
                                        e.epoch() + 1,
                                        String.format("%.4f", e.trainLoss()),
                                        String.format("%.4f", e.validationLoss()),
                                        String.format("%.2f", e.validationLevelErrorDb()));
                                if (print) {
                                    System.out.printf(
                                            "epoch %3d  train loss %.4f  validation loss %.4f  level error %.2f dB  (%.1f s)%n",
                                            e.epoch() + 1,
                                            e.trainLoss(),
                                            e.validationLoss(),
                                            e.validationLevelErrorDb(),
                                            e.seconds());
                                }
                            }
                        },
                        checkpoint == null ? null : Path.of(checkpoint),
                        train,
                        validation);
        Trainer.EpochReport end = r.history().get(r.history().size() - 1);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", end.trainLoss());
        metrics.put("validation_loss", end.validationLoss());
        metrics.put("validation_level_error_db", end.validationLevelErrorDb());
        metrics.put("training_seconds", (System.nanoTime() - t0) / 1e9);
        String id = modelId;
        out.collect(new TrainingOutcome(
                id,
                ByteBuffer.wrap(MixNetOnnx.build(r.weights(), id)),
                settings.seed,
                settings.epochs,
                trainSongs,
                metrics,
                "head trained " + settings.epochs + " epochs on " + trainSongs + " songs of "
                        + features
                        + (settings.augment.isNone()
                                ? ""
                                : ", SpecAugment " + settings.augment.timeMasks + "x"
                                        + settings.augment.maxTimeWidth + " time, " + settings.augment.frequencyMasks
                                        + "x"
                                        + settings.augment.maxFrequencyWidth + " frequency")));
        songs.clear();
    }

    private static float[] floats(List<Float> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }
}
