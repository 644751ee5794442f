package ai.aimix.launcher.cli.training;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.launcher.cli.models.ModelsTarget;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.schema.ModelDescriptor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./aimix quality}: a model against the test split's reference mixes and two baselines. */
@Command(
        name = "quality",
        mixinStandardHelpOptions = true,
        description = "Mix the corpus's test songs with a model the way the service does and print, per song and "
                + "overall, the mix distance to the reference mix and the per-stem level error, next to the plain "
                + "sum and equal-loudness baselines (docs/TRAINING.md).")
public final class QualityCommand implements Callable<Integer> {
    @Option(
            names = "--features",
            required = true,
            description = "The feature store folder (its index lists the songs).")
    Path features;

    @Option(
            names = "--model",
            description = "A model: an ONNX file, a shipped version (mixnet-v1, mixnet-v2, mixnet-v3) or the id "
                    + "of a version in the registry of the running ./aimix serve (or --bootstrap / --store). Default: the "
                    + "shipped champion, " + ModelStore.SHIPPED_CHAMPION + ".")
    String model;

    @Option(names = "--bootstrap", description = "Kafka of the registry, for --model ID.")
    String bootstrap;

    @Option(names = "--store", description = "Model store, for --model ID.")
    String store;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties for a secured Kafka "
                    + "(security.protocol, sasl.*, ssl.*), as Kafka's own tools take them.")
    Path kafkaConfig;

    @Option(
            names = "--split",
            defaultValue = "TEST",
            description =
                    "TEST, VALIDATION, TRAIN or UNSEEN (a corpus built with --unseen-genre). Default ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--songs", defaultValue = "0", description = "At most this many songs (0: all).")
    int songs;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** The model's bytes: a file, a shipped version, or a registered one. */
    private byte[] load(String m) throws IOException {
        if (Files.isRegularFile(Path.of(m))) {
            return Files.readAllBytes(Path.of(m));
        }
        if (m.equals(ModelStore.FIRST_VERSION)) {
            return MixNetOnnx.build(MixNetWeights.neutral(ModelStore.FIRST_SEED), ModelStore.FIRST_VERSION);
        }
        if (ModelStore.isShippedTrained(m)) {
            return ModelStore.shippedOnnx(m);
        }
        ModelAdmin admin;
        try {
            admin = ModelsTarget.admin(bootstrap, store, null, Duration.ofSeconds(30), kafkaConfig);
        } catch (ModelsTarget.Unreachable e) {
            throw new NoSuchFileException(m + " (not a file or a shipped version, and " + e.getMessage() + ")");
        }
        if (admin.store() == null) {
            throw new NoSuchFileException(m + " (no model store to read it from: pass --store)");
        }
        ModelDescriptor d = admin.view()
                .model(m)
                .orElseThrow(() -> new NoSuchFileException("no model '" + m + "' in the registry"));
        return admin.bytes(d);
    }

    @Override
    public Integer call() throws Exception {
        FeatureIndex index;
        byte[] onnx;
        try {
            index = new FeatureStore(features).readIndex();
            onnx = load(model == null ? ModelStore.SHIPPED_CHAMPION : model);
        } catch (IOException e) {
            System.err.println("aimix quality: error: " + e.getMessage());
            return 2;
        }
        QualityBenchmark bench;
        try {
            bench = QualityBenchmark.forCorpus(index);
        } catch (IllegalArgumentException e) {
            System.err.println("aimix quality: error: " + e.getMessage());
            return 2;
        }
        QualityBenchmark.Report r;
        String name = model == null
                ? ModelStore.SHIPPED_CHAMPION
                : Files.isRegularFile(Path.of(model))
                        ? Path.of(model).getFileName().toString()
                        : model;
        try (MixNetSession session =
                MixNetSession.open(name, onnx, SessionSettings.cpu(1).withDescriptors())) {
            r = bench.run(session, split.toUpperCase(Locale.ROOT), songs, s -> {
                if (!json) {
                    System.out.printf(
                            "  song %-6d %-11s %d stems  distance %.3f / %.3f / %.3f  level error %.2f / %.2f / %.2f dB%n",
                            s.seed(),
                            s.genre(),
                            s.stems(),
                            s.distance()[0],
                            s.distance()[1],
                            s.distance()[2],
                            s.levelErrorDb()[0],
                            s.levelErrorDb()[1],
                            s.levelErrorDb()[2]);
                }
            });
        } catch (UnsupportedModelFormatException | IllegalArgumentException e) {
            System.err.println("aimix quality: error: " + e.getMessage());
            return 2;
        }
        double vsSum = 1 - r.meanDistance()[0] / r.meanDistance()[1];
        double vsEqual = 1 - r.meanDistance()[0] / r.meanDistance()[2];
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = m.createObjectNode();
            root.put("model_version", r.model());
            root.put("split", split.toUpperCase(Locale.ROOT));
            root.put("songs", r.songs().size());
            for (int i = 0; i < 3; i++) {
                ObjectNode o =
                        root.putObject(i == 0 ? "model" : r.names().get(i).replace(' ', '_'));
                o.put("mix_distance", r.meanDistance()[i]);
                o.put("level_error_db", r.levelErrorDb()[i]);
                o.put("pan_error", r.panError()[i]);
                ObjectNode eq = o.putObject("eq_error_db");
                for (int b = 0; b < QualityBenchmark.EQ_BANDS.length; b++) {
                    eq.put(QualityBenchmark.EQ_BAND_NAMES.get(b), r.eqErrorDb()[i][b]);
                }
            }
            ObjectNode roleEq = root.putObject("role_average").putObject("eq_error_db");
            for (int b = 0; b < QualityBenchmark.EQ_BANDS.length; b++) {
                roleEq.put(QualityBenchmark.EQ_BAND_NAMES.get(b), r.roleAverageEqErrorDb()[b]);
            }
            root.put("distance_reduction_vs_plain_sum", vsSum);
            root.put("distance_reduction_vs_equal_loudness", vsEqual);
            ArrayNode arr = root.putArray("per_song");
            for (QualityBenchmark.SongScore s : r.songs()) {
                ObjectNode o = arr.addObject();
                o.put("seed", s.seed());
                o.put("genre", s.genre());
                o.put("stems", s.stems());
                ArrayNode d = o.putArray("mix_distance");
                ArrayNode l = o.putArray("level_error_db");
                for (int i = 0; i < 3; i++) {
                    d.add(s.distance()[i]);
                    l.add(s.levelErrorDb()[i]);
                }
            }
            System.out.println(m.writeValueAsString(root));
        } else {
            System.out.printf(
                    "%-16s %14s %16s %24s %10s%n",
                    "", "mix distance", "level error dB", "EQ error dB low/mid/high", "pan error");
            for (int i = 0; i < 3; i++) {
                System.out.printf(
                        "%-16s %14.3f %16.2f %14.2f/%.2f/%.2f %10.3f%n",
                        i == 0 ? "model" : r.names().get(i),
                        r.meanDistance()[i],
                        r.levelErrorDb()[i],
                        r.eqErrorDb()[i][0],
                        r.eqErrorDb()[i][1],
                        r.eqErrorDb()[i][2],
                        r.panError()[i]);
            }
            System.out.printf(
                    "%-16s %14s %16s %14.2f/%.2f/%.2f%n",
                    "role average",
                    "",
                    "",
                    r.roleAverageEqErrorDb()[0],
                    r.roleAverageEqErrorDb()[1],
                    r.roleAverageEqErrorDb()[2]);
            System.out.printf(
                    "model %s on %d %s songs: mix distance %.0f%% below the plain sum (target 50%%), %.0f%% "
                            + "below equal loudness (target 25%%); level error %.2f dB RMS (target under 2)%n",
                    r.model(), r.songs().size(), split, 100 * vsSum, 100 * vsEqual, r.levelErrorDb()[0]);
        }
        return 0;
    }
}
