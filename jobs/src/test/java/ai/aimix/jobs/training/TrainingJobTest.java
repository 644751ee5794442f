package ai.aimix.jobs.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.corpus.MidiSynth;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.features.CorpusBuilder;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.learn.Trainer;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The training job on a MiniCluster, BATCH mode, two subtasks encoding songs: the same model as the plain trainer. */
class TrainingJobTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void trainsAndWritesTheSameModelAsThePlainTrainer(@TempDir Path dir) throws Exception {
        FeatureStore store = new FeatureStore(dir.resolve("features"));
        FeatureIndex index = new CorpusBuilder(
                        new CorpusBuilder.Settings(6, 44100, 65536, 2048, 512, 128),
                        RenderSettings.builder(44100).build(),
                        new MidiSynth(44100, null),
                        2)
                .build(store, 1, 12, r -> {});
        Configuration conf = new Configuration();
        conf.set(TrainingJobOptions.FEATURES, store.dir().toString());
        conf.set(TrainingJobOptions.EPOCHS, 6);
        conf.set(TrainingJobOptions.SEED, 3L);
        conf.set(TrainingJobOptions.MODEL_ID, "trained-in-flink");
        Path out = dir.resolve("model.onnx");
        conf.set(TrainingJobOptions.OUTPUT, out.toString());
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TrainingJob.fromOptions(conf).execute(env);

        byte[] onnx = Files.readAllBytes(out);
        OnnxModelInfo info = OnnxModelInfo.of(onnx);
        info.check();
        assertEquals("trained-in-flink", info.declaredId);
        Trainer.Result plain = new Trainer(store, index, TrainingJobOptions.trainer(conf))
                .train(
                        new Trainer.Listener() {
                            @Override
                            public void step(int epoch, long step, double loss) {}

                            @Override
                            public void epoch(Trainer.EpochReport report) {}
                        },
                        null);
        assertArrayEquals(
                MixNetOnnx.build(plain.weights(), "trained-in-flink"),
                onnx,
                "songs encoded in parallel subtasks train the same model, byte for byte");
        JsonNode metrics = new ObjectMapper()
                .readTree(out.resolveSibling("model.onnx.json").toFile());
        double level = metrics.path("validation_level_error_db").asDouble();
        assertEquals(plain.history().get(5).validationLevelErrorDb(), level, 1e-9);
        assertTrue(metrics.path("train_loss").asDouble() > 0);
    }

    @Test
    void aFeatureStoreWithoutValidationSongsIsRefusedBeforeTheJobRuns(@TempDir Path dir) throws Exception {
        FeatureStore store = new FeatureStore(dir);
        // seed 2 alone is a training song: no validation split
        new CorpusBuilder(
                        new CorpusBuilder.Settings(6, 44100, 65536, 2048, 512, 128),
                        RenderSettings.builder(44100).build(),
                        new MidiSynth(44100, null),
                        1)
                .build(store, 2, 1, r -> {});
        Configuration conf = new Configuration();
        conf.set(TrainingJobOptions.FEATURES, dir.toString());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TrainingJob.fromOptions(conf).execute(StreamExecutionEnvironment.getExecutionEnvironment(conf)));
        assertTrue(e.getMessage().contains("validation"), e.getMessage());
    }
}
