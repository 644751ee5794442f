package ai.aimix.launcher.cli.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.corpus.MidiSynth;
import ai.aimix.features.CorpusBuilder;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.registry.RegistryClient;
import ai.aimix.jobs.training.TrainingJob;
import ai.aimix.jobs.training.TrainingJobOptions;
import ai.aimix.launcher.cli.CliRun;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.TopicLayout;
import ai.aimix.launcher.quantize.ModelQuantization;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.quantize.Quantizer;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.runtime.Calibration;
import ai.aimix.model.store.Descriptors;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.codec.Contract;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aimix models ...} as an operator runs it, against an in-process broker and a model store in a temporary
 * folder: what each subcommand prints, what it changes in the registry, and its one-line errors and exit codes.
 */
class ModelsCommandTest {
    static final String CHAMPION = ModelStore.SHIPPED_CHAMPION;

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Path store;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(TopicLayout.registry(new Configuration()), TopicLayout.registryConfigs());
        store = dir.resolve("store");
        admin().bootstrap();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static ModelAdmin admin() {
        return new ModelAdmin(
                new ModelStore(store.toString()),
                new RegistryClient(kafka.bootstrapServers(), Contract.MODELS_REGISTRY, Duration.ofSeconds(30)),
                Clock.systemUTC());
    }

    /** {@code aimix models ARGS --bootstrap ... --store ...} */
    static CliRun models(String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap", kafka.bootstrapServers(), "--store", store.toString()));
        return CliRun.run(all.toArray(new String[0]));
    }

    static JsonNode model(JsonNode list, String id) {
        for (JsonNode m : list.path("models")) {
            if (m.path("modelId").asText().equals(id)) {
                return m;
            }
        }
        return null;
    }

    static Path onnxFile(String name, byte[] onnx) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, onnx);
        return f;
    }

    @Test
    void importPromoteRollbackExportImport() throws Exception {
        byte[] onnx = MixNetOnnx.build(MixNetWeights.random(5L, 0.05f), "opinion-a");
        CliRun imported = models("import", onnxFile("opinion-a.onnx", onnx).toString());
        assertEquals(0, imported.code, imported.toString());
        assertTrue(imported.out.startsWith("imported opinion-a as a candidate (FP32, format 2,"), imported.out);

        CliRun show = models("show", "opinion-a");
        assertEquals(0, show.code, show.toString());
        JsonNode d = show.json();
        assertEquals("CANDIDATE", d.path("status").asText());
        assertEquals(Descriptors.sha256(onnx), d.path("sha256").asText());
        assertEquals(onnx.length, d.path("sizeBytes").asLong());
        assertEquals("import", d.path("lineage").path("operation").asText());
        assertEquals("mixnet-1", d.path("architecture").asText());
        assertEquals(7, d.path("parameters").size());

        // an imported fp32 model passes the quality gate like a trained one: without a corpus it is refused
        CliRun ungated = models("promote", "opinion-a", "--reason", "listening test");
        assertEquals(2, ungated.code, ungated.toString());
        assertTrue(ungated.err.contains("quality gate") && ungated.err.contains("--features"), ungated.err);

        // promotion and rollback, with the shipped models (which pass no gate) in a league of their own
        CliRun first = models("promote", "mixnet-v1", "--league", "mech");
        assertEquals(0, first.code, first.toString());
        CliRun promote = models("promote", CHAMPION, "--league", "mech", "--reason", "listening test");
        assertEquals(0, promote.code, promote.toString());
        assertTrue(promote.out.contains("league mech: champion " + CHAMPION + " (before: mixnet-v1)"), promote.out);
        JsonNode list = models("list", "--json").json();
        assertEquals(CHAMPION, list.path("champions").path("mech").asText());
        assertEquals(CHAMPION, list.path("champions").path("main").asText());
        assertEquals("CHAMPION", model(list, CHAMPION).path("status").asText());
        assertEquals("CANDIDATE", model(list, "opinion-a").path("status").asText());

        CliRun rollback = models("rollback", "--league", "mech", "--reason", "too loud");
        assertEquals(0, rollback.code, rollback.toString());
        assertTrue(rollback.out.contains("league mech: champion mixnet-v1"), rollback.out);
        list = models("list", "--json").json();
        assertEquals("mixnet-v1", list.path("champions").path("mech").asText());
        assertEquals("CHAMPION", model(list, CHAMPION).path("status").asText(), "still the champion of main");
        // nothing left to roll back to
        CliRun again = models("rollback", "--league", "mech");
        assertEquals(2, again.code, again.toString());
        assertTrue(again.err.startsWith("aimix models rollback: error: "), again.err);
        assertEquals(1, again.err.strip().lines().count(), again.err);

        Path bundle = dir.resolve("v1.aimix-model");
        CliRun export = models("export", "mixnet-v1", bundle.toString());
        assertEquals(0, export.code, export.toString());
        CliRun copy = models("import", bundle.toString(), "--id", "mixnet-v1-copy");
        assertEquals(0, copy.code, copy.toString());
        JsonNode c = models("show", "mixnet-v1-copy").json();
        assertEquals(
                models("show", "mixnet-v1").json().path("sha256").asText(),
                c.path("sha256").asText());
        assertTrue(c.path("lineage").path("note").asText().contains("exported as mixnet-v1"), c.toString());

        String human = models("list").out;
        assertTrue(human.lines().anyMatch(l -> l.startsWith(CHAMPION + " ") && l.contains("[champion: main]")), human);
        assertTrue(human.lines().anyMatch(l -> l.startsWith("mixnet-v1 ") && l.contains("seed")), human);
        assertTrue(human.lines().anyMatch(l -> l.startsWith("opinion-a ") && l.contains("CANDIDATE")), human);
    }

    @Test
    void quantizeRegistersMeasuredCandidatesThatPassTheGate() throws Exception {
        byte[] onnx = MixNetOnnx.build(MixNetWeights.random(9L, 1f), "opinion-q");
        assertEquals(0, models("import", onnxFile("opinion-q.onnx", onnx).toString()).code);
        for (String precision : List.of("int8", "fp16")) {
            CliRun q = models(
                    "quantize",
                    "opinion-q",
                    "--" + precision,
                    "--calibration-songs",
                    "1",
                    "--evaluation-songs",
                    "1",
                    "--seconds",
                    "8");
            assertEquals(0, q.code, q.toString());
            assertTrue(q.out.startsWith("registered opinion-q-" + precision + " as a candidate"), q.out);
            assertTrue(q.out.contains("within bounds"), q.out);
            JsonNode d = models("show", "opinion-q-" + precision).json();
            assertEquals(precision.toUpperCase(), d.path("precision").asText());
            assertEquals(
                    "quantize-" + precision, d.path("lineage").path("operation").asText());
            assertEquals("opinion-q", d.path("lineage").path("parents").get(0).asText());
            double dev = d.path("metrics")
                    .path(RegistryChanges.METRIC_MAX_PARAM_DEVIATION)
                    .asDouble();
            double mix =
                    d.path("metrics").path(RegistryChanges.METRIC_MIX_DISTANCE).asDouble();
            assertTrue(dev > 0 && dev <= RegistryChanges.MAX_PARAM_DEVIATION, d.toString());
            assertTrue(mix >= 0 && mix <= RegistryChanges.MAX_MIX_DISTANCE, d.toString());
            assertTrue(d.path("sizeBytes").asLong() < 0.6 * onnx.length, d.toString());
            // its parent never passed the quality gate: nor does it by being quantized (issue 14, finding 4)
            CliRun promote = models("promote", "opinion-q-" + precision, "--league", "quantized-" + precision);
            assertEquals(2, promote.code, promote.toString());
            assertTrue(promote.err.contains("only through the quality gate"), promote.err);
        }
        // a quantized shipped model passes on its measured deviation alone
        CliRun shipped = models(
                "quantize",
                CHAMPION,
                "--int8",
                "--calibration-songs",
                "1",
                "--evaluation-songs",
                "1",
                "--seconds",
                "8");
        assertEquals(0, shipped.code, shipped.toString());
        CliRun promote = models("promote", CHAMPION + "-int8", "--league", "quantized-shipped");
        assertEquals(0, promote.code, promote.toString());
        assertEquals(
                CHAMPION + "-int8",
                models("list", "--json")
                        .json()
                        .path("champions")
                        .path("quantized-shipped")
                        .asText());
        // a quantized model is quantized from fp32 only
        CliRun twice = models("quantize", "opinion-q-int8", "--fp16");
        assertEquals(2, twice.code, twice.toString());
        assertTrue(twice.err.contains("is INT8; quantize its fp32 parent instead"), twice.err);
        CliRun both = models("quantize", "opinion-q", "--fp16", "--int8");
        assertEquals(2, both.code, both.toString());
    }

    @Test
    void unmeasuredOrDamagedQuantizedModelsAreNotPromoted() throws Exception {
        byte[] parent = MixNetOnnx.build(MixNetWeights.random(13L, 1f), "parent");
        // int8 with activation ranges a tenth of the real ones, imported without measurements
        var ranges = new HashMap<>(Calibration.ranges(
                parent,
                Quantizer.activations(parent),
                new ModelQuantization(new Configuration(), new ModelQuantization.Settings(1, 1, 6, 1))
                        .calibrationBatches()));
        ranges.replaceAll((k, r) -> new float[] {r[0] / 10, r[1] / 10});
        byte[] clipped = Quantizer.int8(parent, "clipped", ranges);
        assertEquals(0, models("import", onnxFile("clipped.onnx", clipped).toString()).code);
        CliRun unmeasured = models("promote", "clipped");
        assertEquals(2, unmeasured.code, unmeasured.toString());
        assertTrue(unmeasured.err.contains("has no max_param_deviation"), unmeasured.err);

        // the same model measured: outside the bounds
        ModelQuantization.Outcome o = new ModelQuantization(
                        new Configuration(), new ModelQuantization.Settings(1, 1, 6, 1))
                .evaluate(parent, clipped, ModelPrecision.INT8);
        admin().publish(
                        "clipped-measured",
                        Quantizer.int8(parent, "clipped-measured", ranges),
                        new ModelLineage("quantize-int8", List.of("parent"), 1L, "badly calibrated"),
                        o.metrics());
        CliRun damaged = models("promote", "clipped-measured");
        assertEquals(2, damaged.code, damaged.toString());
        assertTrue(damaged.err.contains("deviates too far from its fp32 parent"), damaged.err);
        assertFalse(models("list", "--json")
                .json()
                .path("champions")
                .path("main")
                .asText()
                .startsWith("clipped"));

        // a bundle claiming perfect measurements (issue 14, finding 4): its metrics are not kept; measured again
        // here against the registered fp32 parent it names, the model is refused
        admin().publish("q-parent", parent, new ModelLineage("seed", List.of(), 13L, "parent"), Map.of());
        Map<String, Double> perfect =
                Map.of(RegistryChanges.METRIC_MAX_PARAM_DEVIATION, 0.0, RegistryChanges.METRIC_MIX_DISTANCE, 0.0);
        Path forged = bundle(
                "forged.aimix-model",
                clipped,
                Descriptors.describe(
                        "forged-int8",
                        clipped,
                        "file:///elsewhere.onnx",
                        new ModelLineage("quantize-int8", List.of("q-parent"), 1L, "claims"),
                        perfect,
                        ModelStatus.CHAMPION,
                        1L));
        CliRun imported = models("import", forged.toString());
        assertEquals(0, imported.code, imported.toString());
        JsonNode d = models("show", "forged-int8").json();
        assertEquals("CANDIDATE", d.path("status").asText());
        assertTrue(
                d.path("metrics")
                                .path(RegistryChanges.METRIC_MAX_PARAM_DEVIATION)
                                .asDouble()
                        > RegistryChanges.MAX_PARAM_DEVIATION,
                d.toString());
        assertTrue(d.path("lineage").path("note").asText().contains("metrics were not kept"), d.toString());
        CliRun forgedPromote = models("promote", "forged-int8");
        assertEquals(2, forgedPromote.code, forgedPromote.toString());
        assertTrue(forgedPromote.err.contains("deviates too far from its fp32 parent"), forgedPromote.err);
        // the same claims naming a parent this registry does not hold: no metrics at all, refused
        Path orphan = bundle(
                "orphan.aimix-model",
                clipped,
                Descriptors.describe(
                        "orphan-int8",
                        clipped,
                        "file:///elsewhere.onnx",
                        new ModelLineage("quantize-int8", List.of("elsewhere"), 1L, "claims"),
                        perfect,
                        ModelStatus.CANDIDATE,
                        1L));
        assertEquals(0, models("import", orphan.toString()).code);
        assertEquals(0, models("show", "orphan-int8").json().path("metrics").size());
        CliRun orphanPromote = models("promote", "orphan-int8");
        assertEquals(2, orphanPromote.code, orphanPromote.toString());
        assertTrue(orphanPromote.err.contains("has no max_param_deviation"), orphanPromote.err);
        assertFalse(models("list", "--json")
                .json()
                .path("champions")
                .path("main")
                .asText()
                .endsWith("int8"));
    }

    /** A bundle as {@code models export} writes it: model.onnx and descriptor.json in a zip. */
    static Path bundle(String name, byte[] onnx, ModelDescriptor descriptor) throws Exception {
        Path f = dir.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
            zip.putNextEntry(new ZipEntry("model.onnx"));
            zip.write(onnx);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("descriptor.json"));
            zip.write(Descriptors.toJson(descriptor).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return f;
    }

    @Test
    void badInputAndUnreachableKafkaGiveOneLineAndAnExitCode() throws Exception {
        CliRun unknown = models("show", "no-such-model");
        assertEquals(2, unknown.code);
        assertEquals("aimix models show: error: no model 'no-such-model'", unknown.err.strip());

        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "not a model");
        CliRun garbage = models("import", text.toString());
        assertEquals(2, garbage.code, garbage.toString());
        assertEquals(1, garbage.err.strip().lines().count(), garbage.err);

        CliRun missing = models("import", dir.resolve("nowhere.onnx").toString());
        assertEquals(2, missing.code, missing.toString());

        // not regular files: a device and a FIFO are refused at once, never read (a FIFO would block)
        CliRun zero = models("import", "/dev/zero");
        assertEquals(2, zero.code, zero.toString());
        assertTrue(zero.err.contains("not a regular file"), zero.err);
        Path fifo = dir.resolve("pipe.onnx");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CliRun pipe = models("import", fifo.toString());
        assertEquals(2, pipe.code, pipe.toString());
        assertTrue(pipe.err.contains("not a regular file"), pipe.err);

        // a bundle whose model entry inflates far beyond the size limit, behind an unknown entry of 256 MiB of
        // zeros: the unknown entry is never inflated, the model entry stops at the limit
        Path bomb = dir.resolve("bomb.aimix-model");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            byte[] zeros = new byte[1 << 20];
            zip.putNextEntry(new ZipEntry("unknown.bin"));
            for (int i = 0; i < 256; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("model.onnx"));
            for (int i = 0; i < 128; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertTrue(Files.size(bomb) < 1 << 20, "a small file: " + Files.size(bomb));
        CliRun inflated = models("import", bomb.toString());
        assertEquals(2, inflated.code, inflated.toString());
        assertTrue(
                inflated.err.contains("model.onnx inflates beyond") && inflated.err.contains("zip bomb"), inflated.err);

        CliRun retireChampion = models("retire", CHAMPION);
        assertEquals(2, retireChampion.code, retireChampion.toString());

        CliRun down = CliRun.run("models", "list", "--bootstrap", "127.0.0.1:" + freePort(), "--timeout", "2");
        assertEquals(3, down.code, down.toString());
        assertTrue(down.err.startsWith("aimix models list: error: cannot reach Kafka"), down.err);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The training job registers a candidate; the regression gate promotes a trained model only when it is not worse
     * than the league's champion on the corpus's test songs, and refuses a deliberately damaged one (its
     * corrections reversed).
     */
    @Test
    void trainedModelsPassTheQualityGateAndDamagedOnesAreRefused() throws Exception {
        FeatureStore features = new FeatureStore(dir.resolve("gate-corpus"));
        FeatureIndex index = new CorpusBuilder(
                        new CorpusBuilder.Settings(6, 44100, 65536, 2048, 512, 128),
                        MixJobOptions.assembly(new Configuration()).forRequest(44100, null, null),
                        new MidiSynth(44100, null),
                        2)
                .build(features, 1, 12, r -> {});
        // the training job registers its model as a candidate, with lineage and metrics
        Configuration conf = new Configuration();
        conf.set(TrainingJobOptions.FEATURES, features.dir().toString());
        conf.set(TrainingJobOptions.EPOCHS, 10);
        conf.set(TrainingJobOptions.MODEL_ID, "gate-trained");
        conf.set(TrainingJobOptions.REGISTER, true);
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(ModelStoreOptions.MODEL_STORE, store.toString());
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        TrainingJob.fromOptions(conf).execute(StreamExecutionEnvironment.createLocalEnvironment(2, conf));
        JsonNode registered = models("show", "gate-trained").json();
        assertEquals("CANDIDATE", registered.path("status").asText());
        assertEquals("train", registered.path("lineage").path("operation").asText());
        assertEquals(1, registered.path("lineage").path("seed").asLong());
        assertTrue(registered.path("metrics").path("validation_level_error_db").asDouble() > 0, registered.toString());
        assertTrue(registered.path("lineage").path("note").asText().contains("10 epochs"), registered.toString());
        MixNetWeights trained = MixNetOnnx.readWeights(
                admin().bytes(admin().view().model("gate-trained").orElseThrow()));
        ModelLineage train = new ModelLineage("train", List.of(), 1L, "gate test");
        Map<String, float[]> reversed = new LinkedHashMap<>();
        for (String name : MixNetWeights.NAMES) {
            reversed.put(name, trained.get(name).clone());
        }
        for (String name : List.of("fc2.weight", "fc2.bias")) {
            float[] w = reversed.get(name);
            for (int i = 0; i < w.length; i++) {
                w[i] = -w[i];
            }
        }
        admin().publish("gate-damaged", MixNetOnnx.build(MixNetWeights.of(reversed), "gate-damaged"), train, Map.of());
        assertEquals(0, models("promote", "mixnet-v1", "--league", "gate").code);

        CliRun blind = models("promote", "gate-trained", "--league", "gate");
        assertEquals(2, blind.code, blind.toString());
        assertTrue(blind.err.contains("quality gate") && blind.err.contains("--features"), blind.err);

        String corpus = features.dir().toString();
        CliRun better = models("promote", "gate-trained", "--league", "gate", "--features", corpus);
        assertEquals(0, better.code, better.toString());
        assertTrue(better.out.startsWith("quality gate passed: mix distance"), better.out);

        CliRun damaged = models("promote", "gate-damaged", "--league", "gate", "--features", corpus);
        assertEquals(2, damaged.code, damaged.toString());
        assertTrue(damaged.err.contains("is worse than the champion 'gate-trained'"), damaged.err);
        assertEquals(
                "gate-trained",
                models("list", "--json").json().path("champions").path("gate").asText());
    }
}
