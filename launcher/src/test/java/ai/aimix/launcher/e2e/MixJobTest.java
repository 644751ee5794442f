package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.kafka.CollectedMix;
import ai.aimix.clients.kafka.MixCollector;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.mix.OfflineRenderer;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.mixnet2.MixNet2Reference;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import ai.aimix.model.onnx.MixNet2Onnx;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.store.ModelStore;
import ai.aimix.operators.mel.MelSettings;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemParameters;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ModelSelections;
import ai.aimix.schema.codec.Pcm;
import ai.aimix.schema.internal.OutboundRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole mix job on a MiniCluster against the in-process broker, exactly once, with RocksDB state. */
class MixJobTest {
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

    private JobClient start(Configuration conf, MixJob job) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return job.executeAsync(env);
    }

    /** One segment's parameters in ModelOutput (MixParams) order. */
    static float[] values(StemParameters p) {
        return new float[] {
            p.getGainDb(),
            p.getPan(),
            p.getLowShelfDb(),
            p.getMidPeakDb(),
            p.getHighShelfDb(),
            p.getCompThresholdDb(),
            p.getCompRatio()
        };
    }

    /** Re-renders a variant offline from the stems and the automation the result reports. */
    static float[] offline(Configuration conf, List<StemInput> stems, MixResult result, VariantResult variant) {
        RenderSettings rs = MixJobOptions.assembly(conf).forRequest(result.getSampleRate(), null, null);
        int n = stems.size();
        float[][] audio = new float[n][];
        int[] channels = new int[n];
        for (int i = 0; i < n; i++) {
            audio[i] = stems.get(i).audio.samples();
            channels[i] = stems.get(i).audio.channels();
        }
        float[][][] schedule = new float[result.getSegments()][n][];
        for (int i = 0; i < n; i++) {
            List<StemParameters> auto = variant.getStems().get(i).getAutomation();
            for (int k = 0; k < result.getSegments(); k++) {
                schedule[k][i] = values(auto.get(k));
            }
        }
        return OfflineRenderer.render(rs, audio, channels, (int) result.getFrames(), schedule);
    }

    static void assertSameAudio(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(max <= 1e-4, what + ": max difference " + max);
    }

    @Test
    void concurrentMixesOfDifferentShapesAndABattleComeOutWholeOnceAndInOrder() throws Exception {
        Configuration conf = JobTestSupport.jobConfig(kafka, store, "concurrent");
        JobTestSupport.createTopics(kafka, conf);
        Map<String, List<StemInput>> songs = Map.of(
                "song-a", JobTestSupport.stems(4, 6.0, 100),
                "song-b", JobTestSupport.stems(2, 2.5, 200),
                "song-c", JobTestSupport.stems(6, 9.0, 300),
                "duel-d", JobTestSupport.stems(3, 5.0, 400));
        JobClient job = start(conf, MixJob.onKafka(conf));
        try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
            Map<String, CollectedMix> mixes = JobTestSupport.pushAndAwait(
                    producer, collector, songs, id -> id.startsWith("duel"), Duration.ofSeconds(120));
            for (Map.Entry<String, List<StemInput>> e : songs.entrySet()) {
                CollectedMix m = mixes.get(e.getKey());
                MixResult r = m.result;
                assertEquals(MixStatus.COMPLETED, r.getStatus(), e.getKey() + " " + r.getErrorMessage());
                assertTrue(m.errors.isEmpty(), e.getKey() + " errors " + m.errors);
                int longest = e.getValue().stream()
                        .mapToInt(s -> s.audio.frames())
                        .max()
                        .orElseThrow();
                assertEquals(longest, r.getFrames());
                assertEquals((longest + JobTestSupport.SEGMENT - 1) / JobTestSupport.SEGMENT, r.getSegments());
                assertEquals(r.getSegments(), m.progress.size(), "one progress record per segment");
                for (VariantResult v : r.getVariants()) {
                    assertEquals(List.of(), m.streamProblems(v.getVariant()), e.getKey() + " " + v.getVariant());
                    assertEquals(m.chunks.get(v.getVariant()).size(), v.getOutputChunks());
                    float[] streamed = m.audio(v.getVariant());
                    assertEquals(2L * longest, streamed.length);
                    assertSameAudio(offline(conf, e.getValue(), r, v), streamed, e.getKey() + "/" + v.getVariant());
                    assertTrue(
                            v.getIntegratedLufs() != null && v.getTruePeakDbtp() <= -1.0 + 0.3,
                            "loudness " + v.getIntegratedLufs() + " true peak " + v.getTruePeakDbtp());
                    assertReportedLoudnessIsTheStreamedAudios(v, streamed, r.getSampleRate(), e.getKey());
                }
            }
            MixResult duel = mixes.get("duel-d").result;
            assertEquals(
                    List.of(Variant.A, Variant.B),
                    duel.getVariants().stream().map(VariantResult::getVariant).collect(Collectors.toList()));
            assertEquals(ModelStore.SHIPPED_CHAMPION, duel.getVariants().get(0).getModelVersion());
            assertEquals(JobTestSupport.OPPONENT, duel.getVariants().get(1).getModelVersion());
            assertFalse(
                    Arrays.equals(
                            mixes.get("duel-d").audio(Variant.A),
                            mixes.get("duel-d").audio(Variant.B)),
                    "the two models must mix differently");
            // one spectrogram pass served both variants: the same batch sizes are reported once per segment
            assertEquals(
                    duel.getSegments(), duel.getTimings().getBatchSegments().size());
            // the champion is the shipped trained model: it mixes (the parameters move away from neutral)
            VariantResult a = mixes.get("song-a").result.getVariants().get(0);
            assertEquals(ModelStore.SHIPPED_CHAMPION, a.getModelVersion());
            assertTrue(
                    a.getStems().stream()
                            .flatMap(st -> st.getAutomation().stream())
                            .anyMatch(p -> !p.equals(new StemParameters(0f, 0f, 0f, 0f, 0f, 0f, 1f))),
                    "a neutral mix");
            // nothing else arrives for these mixes later (no duplicates from retried transactions)
            assertEquals(0, collector.drain(Duration.ofSeconds(2)));
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void badRecordsGoToTheErrorTopicWhileOtherMixesFinish() throws Exception {
        Configuration conf = JobTestSupport.jobConfig(kafka, store, "bad-input");
        JobTestSupport.createTopics(kafka, conf);
        List<StemInput> good = JobTestSupport.stems(3, 4.0, 500);
        List<StemInput> bad = JobTestSupport.stems(2, 4.0, 600);
        JobClient job = start(conf, MixJob.onKafka(conf));
        try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
            List<MixError> keyless = new ArrayList<>();
            MixRequest badRequest = StemProducer.request("bad-mix", bad, ModelSelections.champion());
            producer.send(badRequest);
            producer.sendRaw(Contract.AUDIO_CHUNKS, "bad-mix", "not avro at all".getBytes());
            producer.sendRaw(Contract.AUDIO_CHUNKS, "bad-mix", Contract.REQUEST.encode(badRequest)); // wrong schema
            producer.send(StemProducer.request("unknown-model", bad, ModelSelections.version("mixnet-v999")));
            float[] s0 = bad.get(0).audio.samples();
            int ch = bad.get(0).audio.channels();
            String token = badRequest.getUploadToken();
            producer.send(chunk("bad-mix", 0, 0, ch, Arrays.copyOfRange(s0, 0, 3000 * ch), false, token));
            producer.send(chunk("bad-mix", 5, 0, ch, Arrays.copyOfRange(s0, 0, 3000 * ch), false, token));
            producer.send(chunk("bad-mix", 0, 0, ch, Arrays.copyOfRange(s0, 0, 3000 * ch), false, token));
            float[] nan = Arrays.copyOfRange(s0, 3000 * ch, 6000 * ch);
            nan[10] = Float.NaN;
            producer.send(chunk("bad-mix", 0, 1, ch, nan, false, token));

            producer.push(
                    StemProducer.request("good-mix", good, ModelSelections.champion()),
                    good,
                    4096,
                    SampleEncoding.PCM_S16LE,
                    null);

            Map<String, CollectedMix> mixes = collector.await(
                    List.of("good-mix", "bad-mix", "unknown-model"),
                    Duration.ofSeconds(120),
                    new MixCollector.Listener() {
                        @Override
                        public void onError(MixError e) {
                            keyless.add(e);
                        }
                    });
            CollectedMix g = mixes.get("good-mix");
            assertEquals(MixStatus.COMPLETED, g.result.getStatus());
            assertTrue(g.errors.isEmpty());
            assertEquals(List.of(), g.streamProblems(Variant.MAIN));

            CollectedMix b = mixes.get("bad-mix");
            assertEquals(MixStatus.FAILED, b.result.getStatus());
            assertEquals(ErrorCode.NON_FINITE_SAMPLES, b.result.getErrorCode());
            List<ErrorCode> codes =
                    b.errors.stream().map(MixError::getCode).sorted().collect(Collectors.toList());
            List<ErrorCode> expected = new ArrayList<>(List.of(
                    ErrorCode.UNDECODABLE,
                    ErrorCode.UNKNOWN_SCHEMA,
                    ErrorCode.STEM_INDEX_OUT_OF_RANGE,
                    ErrorCode.DUPLICATE_CHUNK,
                    ErrorCode.NON_FINITE_SAMPLES));
            expected.sort(null);
            assertEquals(expected, codes);
            for (MixError e : b.errors) {
                assertEquals("bad-mix", e.getMixId());
                assertEquals(Contract.AUDIO_CHUNKS, e.getTopic());
                assertTrue(e.getOffset() != null && e.getOffset() >= 0);
                assertEquals(e.getCode() == ErrorCode.NON_FINITE_SAMPLES, e.getFatal(), e.toString());
            }
            assertEquals(MixStatus.FAILED, mixes.get("unknown-model").result.getStatus());
            assertEquals(
                    ErrorCode.UNKNOWN_MODEL_VERSION,
                    mixes.get("unknown-model").result.getErrorCode());
        } finally {
            job.cancel().get();
        }
    }

    static AudioChunk chunk(
            String mix, int stem, long seq, int channels, float[] samples, boolean last, String uploadToken) {
        ByteBuffer data = Pcm.encode(samples, 0, samples.length, SampleEncoding.PCM_F32LE);
        return new AudioChunk(
                mix,
                stem,
                seq,
                JobTestSupport.SAMPLE_RATE,
                channels,
                SampleEncoding.PCM_F32LE,
                data,
                last,
                Checksums.crc32c(data),
                uploadToken);
    }

    // ------------------------------------------------------------------ failure and recovery

    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** Throws once, at the first output chunk of mix "crash" (sequence >= 2) after a checkpoint has completed. */
    static final class FailOnce extends RichMapFunction<OutboundRecord, OutboundRecord> implements CheckpointListener {
        private static final long serialVersionUID = 1L;

        @Override
        public void open(OpenContext ctx) {}

        @Override
        public OutboundRecord map(OutboundRecord r) {
            if (r.getPayload() instanceof MixOutputChunk) {
                MixOutputChunk c = (MixOutputChunk) r.getPayload();
                if (c.getMixId().equals("crash")
                        && c.getSequence() >= 2
                        && CHECKPOINTED.get()
                        && FAILURES.compareAndSet(0, 1)) {
                    throw new IllegalStateException("injected failure at output chunk " + c.getSequence());
                }
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    @Test
    void aFailureMidMixRecoversFromTheCheckpointWithoutLossOrDuplicatesAndTheSameAudio() throws Exception {
        Configuration conf = JobTestSupport.jobConfig(kafka, store, "recovery");
        JobTestSupport.createTopics(kafka, conf);
        List<StemInput> song = JobTestSupport.stems(4, 12.0, 700);
        CHECKPOINTED.set(false);
        FAILURES.set(0);
        JobClient job = start(conf, MixJob.onKafka(conf).withOutputTap(new FailOnce()));
        ModelSelection model = ModelSelections.version(JobTestSupport.OPPONENT);
        try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
            MixRequest crash = StemProducer.request("crash", song, model);
            // the first half, a pause long enough for checkpoints to complete mid-mix, then the rest
            List<StemInput> firstHalf = new ArrayList<>();
            for (StemInput s : song) {
                int half = s.audio.frames() / 2 * s.audio.channels();
                firstHalf.add(new StemInput(
                        s.name,
                        s.role,
                        new Audio(s.audio.sampleRate(), s.audio.channels(), Arrays.copyOf(s.audio.samples(), half))));
            }
            producer.send(crash);
            int chunkFrames = 2048;
            int sent =
                    sendChunks(producer, crash, song, 0, firstHalf.get(0).audio.frames(), chunkFrames, 0);
            Thread.sleep(2500);
            sendChunks(producer, crash, song, sent * chunkFrames, Integer.MAX_VALUE, chunkFrames, sent);
            // the same song again, after recovery, as a run without failure
            producer.push(StemProducer.request("calm", song, model), song, chunkFrames, SampleEncoding.PCM_F32LE, null);

            Map<String, CollectedMix> mixes =
                    collector.await(List.of("crash", "calm"), Duration.ofSeconds(180), new MixCollector.Listener() {});
            assertEquals(1, FAILURES.get(), "the failure must have been injected (after a checkpoint)");
            for (String id : List.of("crash", "calm")) {
                CollectedMix m = mixes.get(id);
                assertEquals(MixStatus.COMPLETED, m.result.getStatus(), id);
                assertEquals(List.of(), m.streamProblems(Variant.MAIN), id);
                assertEquals(
                        m.result.getSegments(),
                        m.result
                                .getVariants()
                                .get(0)
                                .getStems()
                                .get(0)
                                .getAutomation()
                                .size());
            }
            float[] crashed = mixes.get("crash").audio(Variant.MAIN);
            float[] calm = mixes.get("calm").audio(Variant.MAIN);
            assertArrayEquals(calm, crashed, "the recovered mix must equal the undisturbed one");
            assertSameAudio(
                    offline(
                            conf,
                            song,
                            mixes.get("crash").result,
                            mixes.get("crash").result.getVariants().get(0)),
                    crashed,
                    "crash vs offline");
            // the model has opinions, so the comparison means something
            List<StemParameters> auto = mixes.get("crash")
                    .result
                    .getVariants()
                    .get(0)
                    .getStems()
                    .get(0)
                    .getAutomation();
            assertNotEquals(auto.get(0), auto.get(auto.size() / 2));
            assertEquals(0, collector.drain(Duration.ofSeconds(2)));
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Hot reload and rollback: while a long track is being mixed by the champion of its league, a new champion is
     * promoted, and later rolled back; the job switches between inference batches each time, the result names the
     * model of every segment (the old one, the new one, the old one again), each segment's parameters are that
     * model's, and the streamed audio is whole and equals an offline render of the reported automation.
     */
    @Test
    void aNewChampionAndARollbackMidMixTakeOverBetweenBatchesWithNothingLost() throws Exception {
        Configuration conf = JobTestSupport.jobConfig(kafka, store, "hot-reload");
        conf.set(MixJobOptions.BATCH_SEGMENTS, 2);
        JobTestSupport.createTopics(kafka, conf);
        ModelAdmin admin = EmbeddedStack.admin(conf);
        String league = "hot-reload";
        String next = "mixnet-hot-next";
        if (admin.view().champion(league).isEmpty()) {
            admin.promote(ModelStore.FIRST_VERSION, league, "test league", null); // shipped: no gate
        }
        if (admin.view().model(next).isEmpty()) {
            admin.publish(
                    next,
                    MixNetOnnx.build(MixNetWeights.random(91, 0.05f), next),
                    new ModelLineage("seed", List.of(ModelStore.FIRST_VERSION), 91L, "hot reload test"),
                    Map.of());
        }
        List<StemInput> song = JobTestSupport.stems(3, 24.0, 900);
        JobClient job = start(conf, MixJob.onKafka(conf));
        try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
            MixRequest long_ = StemProducer.request("long", song, ModelSelections.champion(league));
            producer.send(long_);
            int chunkFrames = 4096;
            int longest = song.stream().mapToInt(x -> x.audio.frames()).max().orElseThrow();
            int sent = sendChunks(producer, long_, song, 0, longest / 3, chunkFrames, 0);
            Thread.sleep(2000); // the first third is mixed by the old champion
            // an untrained model, so its parameters differ visibly: published as an operator writing the registry
            // topic directly would (the tool's quality gate is not what this test is about)
            admin.registry()
                    .publish(RegistryChanges.promote(
                            admin.view(), next, league, System.currentTimeMillis(), "hot reload test"));
            Thread.sleep(1000); // the job reads the registry and loads the new model in the background
            sent += sendChunks(producer, long_, song, sent * chunkFrames, 2 * longest / 3, chunkFrames, sent);
            Thread.sleep(2000); // the second third is mixed by the new champion
            admin.rollback(league, "rollback test");
            Thread.sleep(1000);
            sendChunks(producer, long_, song, sent * chunkFrames, Integer.MAX_VALUE, chunkFrames, sent);

            CollectedMix m = collector
                    .await(List.of("long"), Duration.ofSeconds(120), new MixCollector.Listener() {})
                    .get("long");
            assertEquals(MixStatus.COMPLETED, m.result.getStatus(), m.result.getErrorMessage());
            VariantResult v = m.result.getVariants().get(0);
            assertEquals(List.of(), m.streamProblems(Variant.MAIN), "every chunk once and in order");
            List<String> models = v.getSegmentModelVersions();
            assertEquals(m.result.getSegments(), models.size());
            int switchAt = models.indexOf(next);
            int backAt = models.lastIndexOf(next) + 1;
            assertTrue(switchAt > 0 && backAt < models.size(), "old, new, old again: " + models);
            for (int k = 0; k < models.size(); k++) {
                assertEquals(
                        k < switchAt || k >= backAt ? ModelStore.FIRST_VERSION : next,
                        models.get(k),
                        "segment " + k + " of " + models);
            }
            assertEquals(ModelStore.FIRST_VERSION, v.getModelVersion(), "the first segment's model");
            // each segment's parameters are its model's: the first is neutral, the next one has opinions
            List<StemParameters> auto = v.getStems().get(0).getAutomation();
            assertEquals(0f, auto.get(switchAt - 1).getGainDb(), 0f);
            assertNotEquals(0f, auto.get(switchAt).getGainDb());
            assertEquals(0f, auto.get(backAt).getGainDb(), 0f);
            assertSameAudio(offline(conf, song, m.result, v), m.audio(Variant.MAIN), "hot reload vs offline");
            List<MixOutputChunk> chunks = m.chunks.get(Variant.MAIN);
            assertEquals(ModelStore.FIRST_VERSION, chunks.get(chunks.size() - 1).getModelVersion());
            assertEquals(ModelStore.FIRST_VERSION, chunks.get(0).getModelVersion());
            assertTrue(chunks.stream().anyMatch(c -> c.getModelVersion().equals(next)), "chunks of the new model");
            // the rolled-back model is retired: a request naming it is refused with a typed error
            assertEquals(
                    ModelStatus.RETIRED, admin.view().model(next).orElseThrow().getStatus());
            producer.send(StemProducer.request("names-retired", song, ModelSelections.version(next)));
            producer.flush();
            CollectedMix refused = collector
                    .await(List.of("names-retired"), Duration.ofSeconds(60), new MixCollector.Listener() {})
                    .get("names-retired");
            assertEquals(MixStatus.FAILED, refused.result.getStatus());
            assertEquals(ErrorCode.RETIRED_MODEL_VERSION, refused.result.getErrorCode());
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A mixnet-2 model (format 3: it takes the stems' descriptors) is served by the job: every segment's parameters
     * are the plain-Java reference pass's on the log-mel and descriptors the training corpus measures for the same
     * stems ({@link SegmentMels#of} with the descriptors' tap), within ONNX Runtime's float tolerance.
     */
    @Test
    void aMixNet2ModelIsServedWithTheDescriptorsTheCorpusMeasures() throws Exception {
        Configuration conf = JobTestSupport.jobConfig(kafka, store, "mixnet-2");
        JobTestSupport.createTopics(kafka, conf);
        ModelAdmin admin = EmbeddedStack.admin(conf);
        String id = "mixnet-2-e2e";
        MixNet2Weights weights = MixNet2Weights.random(MixNet2Shape.DEFAULT, 23, 0.3f);
        if (admin.view().model(id).isEmpty()) {
            admin.publish(
                    id,
                    MixNet2Onnx.build(weights, id),
                    new ModelLineage("seed", List.of(), 23L, "mixnet-2 end to end"),
                    Map.of());
        }
        List<StemInput> song = JobTestSupport.stems(3, 8.0, 4242);
        JobClient job = start(conf, MixJob.onKafka(conf));
        try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
            producer.push(
                    StemProducer.request("m2", song, ModelSelections.version(id)),
                    song,
                    3000,
                    SampleEncoding.PCM_F32LE,
                    null);
            CollectedMix m = collector
                    .await(List.of("m2"), Duration.ofSeconds(120), new MixCollector.Listener() {})
                    .get("m2");
            assertEquals(MixStatus.COMPLETED, m.result.getStatus(), m.result.getErrorMessage());
            VariantResult v = m.result.getVariants().get(0);
            assertEquals(id, v.getModelVersion());

            int n = song.size();
            int track = song.stream().mapToInt(x -> x.audio.frames()).max().orElseThrow();
            int segmentFrames = conf.get(MixJobOptions.SEGMENT_FRAMES);
            MelSettings ms = new MelSettings(
                    conf.get(MixJobOptions.MEL_N_FFT),
                    conf.get(MixJobOptions.MEL_HOP),
                    conf.get(MixJobOptions.MEL_BANDS),
                    1);
            StemMel mel = new StemMel(JobTestSupport.SAMPLE_RATE, ms.nFft, ms.hop, ms.bands);
            float[][][] mels = new float[n][][];
            int segments = (track + segmentFrames - 1) / segmentFrames;
            float[][][] described = new float[n][segments][StemDescriptors.COUNT];
            for (int i = 0; i < n; i++) {
                Audio a = song.get(i).audio;
                StemDescriptors d = new StemDescriptors(a.sampleRate(), a.channels(), mel.nFft());
                float[][] own = described[i];
                mels[i] = SegmentMels.of(
                        mel,
                        a.samples(),
                        a.channels(),
                        track,
                        segmentFrames,
                        MixNet2Shape.MIN_FRAMES,
                        d.powerTap(),
                        (k, part, frames) -> d.segment(part, 0, frames, own[k], 0));
            }
            assertEquals(segments, m.result.getSegments());
            MixNet2Reference reference = new MixNet2Reference(weights);
            int[] roles = new int[n];
            for (int i = 0; i < n; i++) {
                roles[i] = song.get(i).role.ordinal();
            }
            int moved = 0;
            for (int k = 0; k < segments; k++) {
                float[][] segMel = new float[n][];
                float[][] segDesc = new float[n][];
                for (int i = 0; i < n; i++) {
                    segMel[i] = mels[i][k];
                    segDesc[i] = described[i][k];
                }
                float[][] expected = reference.predict(segMel, segMel[0].length / ms.bands, segDesc, roles, new int[n]);
                for (int i = 0; i < n; i++) {
                    float[] got = values(v.getStems().get(i).getAutomation().get(k));
                    for (int o = 0; o < got.length; o++) {
                        assertEquals(expected[i][o], got[o], 1e-3, "segment " + k + " stem " + i + " output " + o);
                        moved += got[o] != ModelOutput.values()[o].neutral() ? 1 : 0;
                    }
                }
            }
            assertTrue(moved > segments * n * 3, "the model's parameters are not neutral: " + moved);
        } finally {
            job.cancel().get();
        }
    }

    /** Sends chunks of every stem, interleaved, for frames [from, to); returns the chunks sent per stem. */
    static int sendChunks(
            StemProducer producer,
            MixRequest request,
            List<StemInput> song,
            int from,
            int to,
            int chunkFrames,
            int firstSequence) {
        String mixId = request.getMixId();
        int seq = firstSequence;
        int longest = song.stream().mapToInt(s -> s.audio.frames()).max().orElseThrow();
        int end = Math.min(to, longest);
        int count = 0;
        for (int start = from; start < end; start += chunkFrames, seq++, count++) {
            for (int i = 0; i < song.size(); i++) {
                StemInput s = song.get(i);
                int frames = s.audio.frames();
                if (start >= frames) {
                    continue;
                }
                int n = Math.min(chunkFrames, frames - start);
                int ch = s.audio.channels();
                float[] part = Arrays.copyOfRange(s.audio.samples(), start * ch, (start + n) * ch);
                ByteBuffer data = Pcm.encode(part, 0, part.length, SampleEncoding.PCM_F32LE);
                producer.send(new AudioChunk(
                        mixId,
                        i,
                        (long) seq,
                        s.audio.sampleRate(),
                        ch,
                        SampleEncoding.PCM_F32LE,
                        data,
                        start + n >= frames,
                        Checksums.crc32c(data),
                        request.getUploadToken()));
            }
        }
        producer.flush();
        return count;
    }

    /**
     * The loudness figures in the result are those of the audio that was streamed out: measured again here with the
     * analysis meter on the collected output, they agree to 0.01 dB.
     */
    private static void assertReportedLoudnessIsTheStreamedAudios(
            VariantResult v, float[] streamed, int rate, String what) {
        float[][] planar = new float[2][streamed.length / 2];
        for (int i = 0; i < planar[0].length; i++) {
            planar[0][i] = streamed[2 * i];
            planar[1][i] = streamed[2 * i + 1];
        }
        LoudnessAnalysis a = LoudnessAnalysis.of(planar, rate, ChannelWeights.forChannels(2));
        assertEquals(a.integratedLufs, v.getIntegratedLufs(), 0.01, what + " integrated");
        assertEquals(a.truePeakDbtp, v.getTruePeakDbtp(), 0.01, what + " true peak");
        assertEquals(a.samplePeakDbfs, v.getSamplePeakDbfs(), 0.01, what + " sample peak");
        assertEquals(a.momentaryMaxLufs, v.getMomentaryMaxLufs(), 0.01, what + " momentary max");
        if (planar[0].length >= 3 * rate) {
            assertEquals(a.shortTermMaxLufs, v.getShortTermMaxLufs(), 0.01, what + " short-term max");
            assertEquals(a.loudnessRangeLu, v.getLoudnessRangeLu(), 0.01, what + " loudness range");
        } else {
            assertNull(v.getShortTermMaxLufs(), what);
            assertNull(v.getLoudnessRangeLu(), what);
        }
    }
}
