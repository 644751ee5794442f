package ai.aimix.jobs.training;

import static org.apache.flink.configuration.ConfigOptions.key;

import ai.aimix.jobs.JobOptions;
import ai.aimix.learn.SpecAugment;
import ai.aimix.learn.Trainer;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/** Options of the training job ({@code aimix.training.*}). */
public final class TrainingJobOptions {
    public static final ConfigOption<String> FEATURES = key("aimix.training.features")
            .stringType()
            .noDefaultValue()
            .withDescription("The feature store folder (./aimix corpus build): index.json and the songs' .npy files.");
    public static final ConfigOption<String> MODEL_ID = key("aimix.training.model-id")
            .stringType()
            .defaultValue("mixnet-trained")
            .withDescription("Id of the trained model version.");
    public static final ConfigOption<Integer> EPOCHS = key("aimix.training.epochs")
            .intType()
            .defaultValue(Trainer.Settings.DEFAULT_EPOCHS)
            .withDescription("Passes over the training songs.");
    public static final ConfigOption<Integer> BATCH = key("aimix.training.batch-size")
            .intType()
            .defaultValue(Trainer.Settings.DEFAULT_BATCH_SIZE)
            .withDescription("Rows (stem segments) per optimiser step.");
    public static final ConfigOption<Double> LEARNING_RATE = key("aimix.training.learning-rate")
            .doubleType()
            .defaultValue(Trainer.Settings.DEFAULT_LEARNING_RATE)
            .withDescription("Adam's step size.");
    public static final ConfigOption<Long> SEED = key("aimix.training.seed")
            .longType()
            .defaultValue(Trainer.Settings.DEFAULT_SEED)
            .withDescription("Seed of the head's initialisation, the shuffles and the masks: the same seed and feature "
                    + "store give the same model, byte for byte.");
    public static final ConfigOption<Integer> TIME_MASKS = key("aimix.training.spec-augment.time-masks")
            .intType()
            .defaultValue(0)
            .withDescription("SpecAugment time masks per training segment and epoch (0: none).");
    public static final ConfigOption<Integer> TIME_MASK_WIDTH = key("aimix.training.spec-augment.time-mask-width")
            .intType()
            .defaultValue(16)
            .withDescription("Widest time mask, mel frames.");
    public static final ConfigOption<Integer> FREQUENCY_MASKS = key("aimix.training.spec-augment.frequency-masks")
            .intType()
            .defaultValue(2)
            .withDescription("SpecAugment frequency masks per training segment and epoch "
                    + "(0: none). They hide the spectral balance EQ needs, yet measured on the validation songs two "
                    + "masks lowered the mix distance by 11 % (docs/TRAINING.md), so they are on by default.");
    public static final ConfigOption<Integer> FREQUENCY_MASK_WIDTH =
            key("aimix.training.spec-augment.frequency-mask-width")
                    .intType()
                    .defaultValue(12)
                    .withDescription("Widest frequency mask, mel bands.");
    public static final ConfigOption<String> CHECKPOINT = key("aimix.training.checkpoint")
            .stringType()
            .noDefaultValue()
            .withDescription("File the trainer checkpoints to after every epoch; an existing one is "
                    + "resumed (same seed only).");
    public static final ConfigOption<Integer> ENCODER_THREADS = key("aimix.training.encoder-threads")
            .intType()
            .defaultValue(1)
            .withDescription("ONNX Runtime threads per encoding subtask (re-encoding with "
                    + "augmentation uses this many threads in the training subtask).");
    public static final ConfigOption<String> OUTPUT = key("aimix.training.output")
            .stringType()
            .noDefaultValue()
            .withDescription("Also write the trained model file here (its metrics next to it as .json).");

    public static final ConfigOption<Boolean> REGISTER = key("aimix.training.register")
            .booleanType()
            .defaultValue(false)
            .withDescription("Store the model (aimix.model-store.path) and publish it on the "
                    + "registry topic (aimix.kafka.bootstrap-servers, aimix.topics.registry) as a candidate.");

    public static final ConfigOption<Boolean> PRINT_PROGRESS = key("aimix.training.print-progress")
            .booleanType()
            .defaultValue(false)
            .withDescription("Also print the loss per step and the validation figures per epoch "
                    + "to standard output (the embedded ./aimix train does).");

    private TrainingJobOptions() {}

    /** Every option, for the documentation check. */
    public static List<ConfigOption<?>> all() {
        return JobOptions.declaredIn(TrainingJobOptions.class);
    }

    public static Trainer.Settings trainer(ReadableConfig c) {
        Trainer.Settings s = new Trainer.Settings();
        s.epochs = c.get(EPOCHS);
        s.batchSize = c.get(BATCH);
        s.learningRate = c.get(LEARNING_RATE);
        s.seed = c.get(SEED);
        s.augment = new SpecAugment(
                c.get(TIME_MASKS), c.get(TIME_MASK_WIDTH), c.get(FREQUENCY_MASKS), c.get(FREQUENCY_MASK_WIDTH));
        s.threads = Math.max(1, c.get(ENCODER_THREADS));
        return s;
    }
}
