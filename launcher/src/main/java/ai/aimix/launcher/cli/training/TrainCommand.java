package ai.aimix.launcher.cli.training;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.training.TrainingJob;
import ai.aimix.jobs.training.TrainingJobOptions;
import ai.aimix.launcher.cli.models.ModelsTarget;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.learn.MixNet2Trainer;
import ai.aimix.learn.SpecAugment;
import ai.aimix.learn.Trainer;
import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.onnx.MixNet2Onnx;
import ai.aimix.schema.ModelLineage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./aimix train}: the training job on a local Flink cluster in this process. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train the mixing model on a feature store (./aimix corpus build) with the training job (Flink, "
                + "BATCH mode, in this process): the dense head by explicit gradients and Adam on a fixed encoder. "
                + "Prints the loss per step and the validation figures per epoch; resumable from its checkpoint; "
                + "deterministic for a seed (docs/TRAINING.md).")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--features", required = true, description = "The feature store folder.")
    Path features;

    @Option(
            names = "--out",
            required = true,
            description = "The ONNX model file to write (metrics next to it as .json).")
    Path out;

    @Option(names = "--id", defaultValue = "mixnet-trained", description = "The model id. Default ${DEFAULT-VALUE}.")
    String id;

    @Option(names = "--epochs", defaultValue = "30", description = "Default ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", description = "Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--time-masks",
            defaultValue = "0",
            description = "SpecAugment time masks per segment. Default ${DEFAULT-VALUE}.")
    int timeMasks;

    @Option(
            names = "--frequency-masks",
            description = "SpecAugment frequency masks per segment. Default 2 for mixnet-1, 0 for mixnet-2 (the masks "
                    + "hide the spectral balance it reads).")
    Integer frequencyMasks;

    @Option(
            names = "--checkpoint",
            description = "Checkpoint file (default: OUT.checkpoint); an existing one is resumed.")
    Path checkpoint;

    @Option(
            names = "--register",
            description = "Also store the model and publish it as a candidate on the registry of "
                    + "the running ./aimix serve (or --bootstrap / --store).")
    boolean register;

    @Option(names = "--bootstrap", description = "Kafka of the registry (with --register).")
    String bootstrap;

    @Option(names = "--store", description = "Model store (with --register).")
    String store;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties for a secured Kafka "
                    + "(security.protocol, sasl.*, ssl.*), as Kafka's own tools take them.")
    Path kafkaConfig;

    @Option(names = "-D", paramLabel = "key=value", description = "Any aimix.training.* option.")
    Map<String, String> extra = Map.of();

    @Option(
            names = "--architecture",
            defaultValue = MixNetArchitecture.NAME,
            description = "mixnet-1 (the dense head on a fixed encoder, by the training job) or mixnet-2 (the whole "
                    + "network, spectral balance and the stems' descriptors, trained in this process). "
                    + "Default ${DEFAULT-VALUE}.")
    String architecture;

    @Option(
            names = "--width",
            paramLabel = "C1,C2,EMBEDDING,HIDDEN",
            description = "mixnet-2's widths. Default 8,16,32,64.")
    String width;

    @Option(
            names = "--inputs",
            defaultValue = "both",
            description = "mixnet-2's inputs, for ablations: both, spectrum (no descriptors) or descriptors (no "
                    + "spectrum). Default ${DEFAULT-VALUE}.")
    String inputs;

    @Option(
            names = "--batch-segments",
            defaultValue = "" + MixNet2Trainer.Settings.DEFAULT_BATCH_SEGMENTS,
            description = "mixnet-2: mix segments per batch. Default ${DEFAULT-VALUE}.")
    int batchSegments;

    @Option(
            names = "--learning-rate",
            defaultValue = "" + MixNet2Trainer.Settings.DEFAULT_LEARNING_RATE,
            description = "mixnet-2: Adam's rate. Default ${DEFAULT-VALUE}.")
    double learningRate;

    /** Where --register publishes (set by {@link #openRegistry}). */
    private ModelAdmin admin;

    @Override
    public Integer call() throws Exception {
        FeatureIndex index;
        try {
            index = new FeatureStore(features).readIndex();
        } catch (IOException e) {
            System.err.println("aimix train: error: " + e.getMessage());
            return 2;
        }
        if (MixNet2Shape.NAME.equals(architecture)) {
            return trainMixNet2(index);
        }
        if (!MixNetArchitecture.NAME.equals(architecture)) {
            System.err.println("aimix train: error: no architecture " + architecture + " (mixnet-1 or mixnet-2)");
            return 2;
        }
        Configuration conf = new Configuration();
        conf.set(TrainingJobOptions.FEATURES, features.toAbsolutePath().toString());
        conf.set(TrainingJobOptions.MODEL_ID, id);
        conf.set(TrainingJobOptions.EPOCHS, epochs);
        conf.set(TrainingJobOptions.SEED, seed);
        conf.set(TrainingJobOptions.TIME_MASKS, timeMasks);
        conf.set(
                TrainingJobOptions.FREQUENCY_MASKS,
                frequencyMasks == null ? TrainingJobOptions.FREQUENCY_MASKS.defaultValue() : frequencyMasks);
        conf.set(TrainingJobOptions.OUTPUT, out.toAbsolutePath().toString());
        conf.set(
                TrainingJobOptions.CHECKPOINT,
                (checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".checkpoint"))
                        .toAbsolutePath()
                        .toString());
        conf.set(TrainingJobOptions.PRINT_PROGRESS, true);
        int cores = Runtime.getRuntime().availableProcessors();
        conf.set(TrainingJobOptions.ENCODER_THREADS, Math.max(1, cores / 2));
        if (register) {
            Integer refused = openRegistry();
            if (refused != null) {
                return refused;
            }
            conf.set(TrainingJobOptions.REGISTER, true);
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, admin.registry().bootstrap());
            if (kafkaConfig != null) {
                conf.set(
                        KafkaOptions.CLIENT_CONFIG_FILE,
                        kafkaConfig.toAbsolutePath().toString());
            }
            conf.set(KafkaOptions.TOPIC_REGISTRY, admin.registry().topic());
            conf.set(ModelStoreOptions.MODEL_STORE, admin.store().root());
        }
        extra.forEach(conf::setString); // -D options win over the named ones' defaults
        conf.set(CoreOptions.DEFAULT_PARALLELISM, cores);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        System.out.printf(
                "training %s on %d songs (validation %d), %d epochs, seed %d%n",
                id, index.split("TRAIN").size(), index.originals("VALIDATION").size(), epochs, seed);
        long t0 = System.nanoTime();
        try {
            TrainingJob.fromOptions(conf).execute(StreamExecutionEnvironment.createLocalEnvironment(conf));
        } catch (IllegalArgumentException e) {
            System.err.println("aimix train: error: " + e.getMessage());
            return 2;
        }
        System.out.printf(
                "wrote %s (%d bytes)%s in %.1f s%n",
                out,
                Files.size(out),
                register ? " and registered " + id + " as a candidate" : "",
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The registry and store --register publishes to (in {@link #admin}); null, or the exit code of a refusal. */
    private Integer openRegistry() {
        try {
            admin = ModelsTarget.admin(bootstrap, store, null, Duration.ofSeconds(30), kafkaConfig);
        } catch (ModelsTarget.Unreachable e) {
            System.err.println("aimix train: error: --register: " + e.getMessage());
            return 3;
        }
        if (admin.store() == null) {
            System.err.println("aimix train: error: --register needs a model store: pass --store");
            return 2;
        }
        return null;
    }

    /** mixnet-2: the whole network, trained here by {@link MixNet2Trainer}. */
    private int trainMixNet2(FeatureIndex index) throws Exception {
        MixNet2Trainer.Settings s = new MixNet2Trainer.Settings();
        if (register) {
            Integer refused = openRegistry();
            if (refused != null) {
                return refused;
            }
        }
        try {
            if (!extra.isEmpty()) {
                throw new IllegalArgumentException("-D options are the training job's (mixnet-1); mixnet-2 takes "
                        + "--width, --inputs, --batch-segments and --learning-rate");
            }
            if (width != null) {
                String[] w = width.split(",");
                if (w.length != 4) {
                    throw new IllegalArgumentException("--width takes four numbers: C1,C2,EMBEDDING,HIDDEN");
                }
                s.shape = new MixNet2Shape(
                        Integer.parseInt(w[0].trim()),
                        Integer.parseInt(w[1].trim()),
                        Integer.parseInt(w[2].trim()),
                        Integer.parseInt(w[3].trim()));
            }
            switch (inputs) {
                case "both" -> {}
                case "spectrum" -> s.descriptors = false;
                case "descriptors" -> s.mel = false;
                default ->
                    throw new IllegalArgumentException("--inputs is both, spectrum or descriptors, not " + inputs);
            }
            if (epochs < 1 || batchSegments < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("--epochs, --batch-segments and --learning-rate must be positive");
            }
        } catch (NumberFormatException e) {
            System.err.println("aimix train: error: --width: not a number: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("aimix train: error: " + e.getMessage());
            return 2;
        }
        s.epochs = epochs;
        s.seed = seed;
        s.batchSegments = batchSegments;
        s.learningRate = learningRate;
        s.augment = new SpecAugment(
                timeMasks,
                TrainingJobOptions.TIME_MASK_WIDTH.defaultValue(),
                frequencyMasks == null ? 0 : frequencyMasks,
                TrainingJobOptions.FREQUENCY_MASK_WIDTH.defaultValue());
        System.out.printf(
                "training %s (%s, %s, inputs %s) on %d songs (validation %d), %d epochs, seed %d%n",
                id,
                MixNet2Shape.NAME,
                s.shape,
                inputs,
                index.split("TRAIN").size(),
                index.originals("VALIDATION").size(),
                epochs,
                seed);
        long t0 = System.nanoTime();
        Path cp = checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".checkpoint");
        for (Path f : new Path[] {out, cp}) {
            if (f.toAbsolutePath().getParent() != null) {
                Files.createDirectories(f.toAbsolutePath().getParent());
            }
        }
        MixNet2Trainer.Result r;
        try {
            r = new MixNet2Trainer(new FeatureStore(features), index, s).train(new PrintingListener(), cp);
        } catch (IllegalArgumentException e) {
            System.err.println("aimix train: error: " + e.getMessage());
            return 2;
        }
        byte[] onnx = MixNet2Onnx.build(r.weights(), id);
        Files.write(out, onnx);
        Trainer.EpochReport end = r.history().get(r.history().size() - 1);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", end.trainLoss());
        metrics.put("validation_loss", end.validationLoss());
        metrics.put("validation_level_error_db", end.validationLevelErrorDb());
        metrics.put("training_seconds", (System.nanoTime() - t0) / 1e9);
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("architecture", MixNet2Shape.NAME);
        described.put("shape", s.shape.toString());
        described.put("inputs", inputs);
        described.putAll(metrics);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolveSibling(out.getFileName() + ".json").toFile(), described);
        if (admin != null) {
            admin.publish(
                    id,
                    onnx,
                    new ModelLineage(
                            "train", List.of(), seed, MixNet2Shape.NAME + " " + s.shape + ", inputs " + inputs),
                    metrics);
        }
        System.out.printf(
                "wrote %s (%d bytes)%s in %.1f s%n",
                out,
                onnx.length,
                admin != null ? " and registered " + id + " as a candidate" : "",
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** Prints the trainer's progress as the training job does. */
    private static final class PrintingListener implements Trainer.Listener {
        @Override
        public void step(int epoch, long step, double loss) {
            System.out.printf("  step %6d  loss %.4f%n", step, loss);
        }

        @Override
        public void epoch(Trainer.EpochReport r) {
            System.out.printf(
                    "epoch %3d  train loss %.4f  validation loss %.4f  validation level error %.2f dB  (%.1f s)%n",
                    r.epoch() + 1, r.trainLoss(), r.validationLoss(), r.validationLevelErrorDb(), r.seconds());
        }
    }
}
