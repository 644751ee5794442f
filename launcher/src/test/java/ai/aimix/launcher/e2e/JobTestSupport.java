package ai.aimix.launcher.e2e;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.kafka.CollectedMix;
import ai.aimix.clients.kafka.MixCollector;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.embedded.TopicLayout;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.ModelStore;
import ai.aimix.operators.testing.Fixtures;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.codec.ModelSelections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Shared set-up of the job tests: an in-process broker, a model store, job options. */
final class JobTestSupport {
    static final int SAMPLE_RATE = 22050;
    static final int SEGMENT = 8192;
    static final String OPPONENT = "mixnet-test-b";

    private JobTestSupport() {}

    static MiniClusterExtension miniCluster() {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256mb"));
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .setConfiguration(c)
                .build());
    }

    /** A directory for a model store (filled by {@link #createTopics}). */
    static Path modelStore() throws Exception {
        return Files.createTempDirectory("aimix-models-");
    }

    static Configuration jobConfig(EmbeddedKafka kafka, Path store, String group) throws Exception {
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(MixJobOptions.GROUP_ID, group);
        c.set(MixJobOptions.TRANSACTIONAL_ID_PREFIX, group);
        c.set(ModelStoreOptions.MODEL_STORE, store.toString());
        c.set(MixJobOptions.SEGMENT_FRAMES, SEGMENT);
        c.set(MixJobOptions.RAMP_FRAMES, 1024);
        c.set(MixJobOptions.BATCH_SEGMENTS, 8);
        c.set(MixJobOptions.BATCH_MAX_DELAY, Duration.ofMillis(50));
        c.set(MixJobOptions.CHUNK_TIMEOUT, Duration.ofSeconds(20));
        c.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5));
        c.set(MixJobOptions.STEM_THREADS, 2);
        c.set(MixJobOptions.ORT_THREADS, 1);
        c.set(MixJobOptions.MODEL_WAIT, Duration.ofSeconds(1));
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("aimix-cp-").toUri().toString());
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(PipelineOptions.OBJECT_REUSE, true);
        return c;
    }

    /**
     * The job's topics and the registry: the shipped models (the trained one champion of main) and a second, opinionated
     * version for battles (registered once per broker).
     */
    static void createTopics(EmbeddedKafka kafka, Configuration c) throws Exception {
        kafka.createTopics(TopicLayout.of(c, 2), TopicLayout.configs());
        kafka.createTopics(TopicLayout.registry(c), TopicLayout.registryConfigs());
        ModelAdmin admin = EmbeddedStack.admin(c);
        RegistryView view = admin.bootstrap();
        if (view.model(OPPONENT).isEmpty()) {
            admin.publish(
                    OPPONENT,
                    MixNetOnnx.build(MixNetWeights.random(77, 0.05f), OPPONENT),
                    new ModelLineage("seed", List.of(ModelStore.FIRST_VERSION), 77L, "test opponent"),
                    Map.of());
        }
    }

    static Topics topics() {
        return Topics.defaults();
    }

    /** Stems of test audio (float32 so the offline reference sees exactly what the job saw). */
    /**
     * Pushes every song (a battle of the champion against {@link #OPPONENT} where {@code battle} says so, else the
     * champion; 3000-frame float chunks) and waits for all of their mixes.
     */
    static Map<String, CollectedMix> pushAndAwait(
            StemProducer producer,
            MixCollector collector,
            Map<String, List<StemInput>> songs,
            Predicate<String> battle,
            Duration timeout)
            throws Exception {
        for (Map.Entry<String, List<StemInput>> e : songs.entrySet()) {
            ModelSelection model =
                    battle.test(e.getKey()) ? ModelSelections.battle(null, OPPONENT) : ModelSelections.champion();
            producer.push(
                    StemProducer.request(e.getKey(), e.getValue(), model),
                    e.getValue(),
                    3000,
                    SampleEncoding.PCM_F32LE,
                    null);
        }
        return collector.await(songs.keySet(), timeout, new MixCollector.Listener() {});
    }

    static List<StemInput> stems(int count, double seconds, long seed) {
        List<StemInput> out = new ArrayList<>();
        StemRole[] roles = StemRole.values();
        for (int i = 0; i < count; i++) {
            int channels = i % 3 == 1 ? 1 : 2;
            int frames = (int) (seconds * SAMPLE_RATE) - i * 1000; // stems of different lengths
            out.add(new StemInput(
                    "stem-" + i,
                    roles[i % roles.length],
                    new Audio(SAMPLE_RATE, channels, Fixtures.stemAudio(frames, channels, SAMPLE_RATE, seed + i))));
        }
        return out;
    }
}
