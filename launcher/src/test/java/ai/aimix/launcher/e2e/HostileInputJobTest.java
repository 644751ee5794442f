package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.kafka.CollectedMix;
import ai.aimix.clients.kafka.MixCollector;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.Descriptors;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ModelSelections;
import ai.aimix.schema.testing.HostileRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14's records, sent through the running mix job: each hostile record is answered with a typed error on
 * mix.errors (or, on the compacted registry topic, skipped), the job keeps running without a single restart (its
 * restart strategy is off here, so any exception would fail it), and mixes sent alongside complete.
 */
class HostileInputJobTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobTestSupport.miniCluster();

    static EmbeddedKafka kafka;
    static Path store;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
        store = JobTestSupport.modelStore();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void hostileRecordsGetTypedErrorsAndNeitherStopTheJobNorTouchOtherMixes() throws Exception {
        Configuration conf = JobTestSupport.jobConfig(kafka, store, "hostile");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobTestSupport.createTopics(kafka, conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        JobClient job = MixJob.onKafka(conf).executeAsync(env);
        List<StemInput> song = JobTestSupport.stems(3, 4.0, 1400);
        String longId = "x".repeat(300_000);
        try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
            // the producer's request first; then, from someone else: a competing request for the same id and
            // stray chunks with another token (another channel count, far out of order), which must not touch it
            MixRequest before = StemProducer.request("before", song, ModelSelections.champion());
            producer.send(before);
            producer.send(StemProducer.request("before", song, ModelSelections.champion()));
            producer.send(MixJobTest.chunk("before", 0, 0, 1, new float[512], false, "someone-elses-token"));
            producer.send(MixJobTest.chunk("before", 1, 40, 2, new float[512], true, "someone-elses-token"));
            producer.sendRaw(Contract.AUDIO_CHUNKS, "h-3e9", HostileRecords.chunkDeclaring("h-3e9", 3_000_000_000L));
            producer.sendRaw(
                    Contract.AUDIO_CHUNKS, "h-2g", HostileRecords.chunkDeclaring("h-2g", Integer.MAX_VALUE - 9));
            producer.sendRaw(
                    Contract.MIX_REQUESTS,
                    "h-stems-2e9",
                    HostileRecords.requestDeclaringStems("h-stems-2e9", 2_000_000_000L));
            producer.sendRaw(
                    Contract.MIX_REQUESTS,
                    "h-stems-3e9",
                    HostileRecords.requestDeclaringStems("h-stems-3e9", 3_000_000_000L));
            producer.sendRaw(
                    Contract.MODELS_REGISTRY, "champion/main", HostileRecords.registryEntryDeclaring(2_147_483_000L));
            // a chunk whose id is 300,000 characters long, and one whose key is another mix's
            producer.send(MixJobTest.chunk(longId, 0, 0, 1, new float[64], true, "0123456789abcdef"));
            producer.sendRaw(
                    Contract.AUDIO_CHUNKS,
                    "before",
                    Contract.CHUNK.encode(
                            MixJobTest.chunk("not-before", 0, 0, 1, new float[64], true, "0123456789abcdef")));
            producer.flush();

            // a model published after the bad registry record: the registry source read on past it
            ModelAdmin admin = EmbeddedStack.admin(conf);
            String after = "after-bad-registry";
            if (admin.view().model(after).isEmpty()) {
                admin.publish(
                        after,
                        MixNetOnnx.build(MixNetWeights.random(31, 0.05f), after),
                        new ModelLineage("seed", List.of(ModelStore.FIRST_VERSION), 31L, "hostile test"),
                        Map.of());
            }
            // a descriptor naming a valid model file outside the store: the job reads only the store's own file
            Path outside = Files.createTempFile("aimix-outside-", ".onnx");
            byte[] outsideModel = MixNetOnnx.build(MixNetWeights.random(32, 0.05f), "forged");
            Files.write(outside, outsideModel);
            admin.registry()
                    .publish(List.of(RegistryView.entry(Descriptors.describe(
                            "forged",
                            outsideModel,
                            outside.toUri().toString(),
                            new ModelLineage("seed", List.of(), 32L, "forged"),
                            Map.of(),
                            ModelStatus.CANDIDATE,
                            1L))));
            producer.push(
                    StemProducer.request("forged-mix", song, ModelSelections.version("forged")),
                    song,
                    4096,
                    SampleEncoding.PCM_S16LE,
                    null);
            producer.push(before, song, 4096, SampleEncoding.PCM_S16LE, null);
            producer.push(
                    StemProducer.request("after", song, ModelSelections.version(after)),
                    song,
                    4096,
                    SampleEncoding.PCM_S16LE,
                    null);

            List<MixError> unattributed = Collections.synchronizedList(new ArrayList<>());
            Map<String, CollectedMix> mixes = collector.await(
                    List.of("before", "after", "forged-mix", "h-3e9", "h-2g", "h-stems-2e9", "h-stems-3e9"),
                    Duration.ofSeconds(120),
                    new MixCollector.Listener() {
                        @Override
                        public void onError(MixError e) {
                            if (e.getMixId() == null) {
                                unattributed.add(e);
                            }
                        }
                    },
                    m -> m.mixId.startsWith("h-") ? !m.errors.isEmpty() : m.done());
            for (String id : List.of("before", "after")) {
                CollectedMix m = mixes.get(id);
                assertEquals(MixStatus.COMPLETED, m.result.getStatus(), id + " " + m.result.getErrorMessage());
            }
            assertEquals(after, mixes.get("after").result.getVariants().get(0).getModelVersion());
            CollectedMix forged = mixes.get("forged-mix");
            assertEquals(MixStatus.FAILED, forged.result.getStatus());
            assertEquals(ErrorCode.MODEL_FAILURE, forged.result.getErrorCode());
            assertTrue(forged.result.getErrorMessage().contains("no file at"), forged.result.getErrorMessage());
            Files.delete(outside);
            for (String id : List.of("h-3e9", "h-2g", "h-stems-2e9", "h-stems-3e9")) {
                CollectedMix m = mixes.get(id);
                assertNull(m.result, id + " never became a mix");
                assertEquals(
                        List.of(ErrorCode.UNDECODABLE),
                        m.errors.stream().map(MixError::getCode).collect(Collectors.toList()),
                        id);
                assertTrue(
                        m.errors.get(0).getMessage().contains("declares"),
                        m.errors.get(0).getMessage());
                assertEquals(Boolean.FALSE, m.errors.get(0).getFatal());
            }
            // the competing and the repeated request, the strays and the foreign-keyed chunk are refused, non-fatal,
            // and the mix is whole
            List<ErrorCode> beforeCodes = mixes.get("before").errors.stream()
                    .map(MixError::getCode)
                    .sorted()
                    .collect(Collectors.toList());
            assertEquals(
                    List.of(
                            ErrorCode.DUPLICATE_REQUEST,
                            ErrorCode.DUPLICATE_REQUEST,
                            ErrorCode.MALFORMED_CHUNK,
                            ErrorCode.UPLOAD_TOKEN_MISMATCH,
                            ErrorCode.UPLOAD_TOKEN_MISMATCH),
                    beforeCodes);
            assertTrue(mixes.get("before").errors.stream().noneMatch(MixError::getFatal));
            assertEquals(List.of(), mixes.get("before").streamProblems(Variant.MAIN));
            MixError longError = unattributed.stream()
                    .filter(e -> e.getMessage().contains("300000 characters"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no error for the long id: " + unattributed));
            assertEquals(ErrorCode.MALFORMED_CHUNK, longError.getCode());
            assertTrue(longError.getMessage().length() < 300, longError.getMessage());
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
        } finally {
            job.cancel().get();
        }
    }
}
