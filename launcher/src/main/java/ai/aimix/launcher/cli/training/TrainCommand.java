package ai.aimix.launcher.cli.training;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.training.TrainingJob;
import ai.aimix.jobs.training.TrainingJobOptions;
import ai.aimix.launcher.cli.models.ModelsTarget;
import ai.aimix.launcher.registry.ModelAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
            defaultValue = "2",
            description = "SpecAugment frequency masks per segment. Default ${DEFAULT-VALUE}.")
    int frequencyMasks;

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

    @Override
    public Integer call() throws Exception {
        FeatureIndex index;
        try {
            index = new FeatureStore(features).readIndex();
        } catch (IOException e) {
            System.err.println("aimix train: error: " + e.getMessage());
            return 2;
        }
        Configuration conf = new Configuration();
        conf.set(TrainingJobOptions.FEATURES, features.toAbsolutePath().toString());
        conf.set(TrainingJobOptions.MODEL_ID, id);
        conf.set(TrainingJobOptions.EPOCHS, epochs);
        conf.set(TrainingJobOptions.SEED, seed);
        conf.set(TrainingJobOptions.TIME_MASKS, timeMasks);
        conf.set(TrainingJobOptions.FREQUENCY_MASKS, frequencyMasks);
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
            ModelAdmin admin;
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
}
