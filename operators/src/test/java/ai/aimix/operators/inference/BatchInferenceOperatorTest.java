package ai.aimix.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.ModelOutput;
import ai.aimix.operators.records.FloatBytes;
import ai.aimix.operators.records.Segments;
import ai.aimix.operators.testing.TestRegistry;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Variant;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import ai.aimix.schema.internal.VariantModel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchInferenceOperatorTest {
    OneInputStreamOperatorTestHarness<SegmentRecord, SegmentRecord> harness;
    BatchInferenceOperator operator;

    @BeforeEach
    void setUp() throws Exception {
        FakePredictor.reset();
        harness = open(null);
        for (RegistryEntry e : TestRegistry.standard()) {
            registry(e);
        }
        registry(TestRegistry.entry(TestRegistry.model("m3")));
        registry(TestRegistry.entry(TestRegistry.model("broken")));
        registry(TestRegistry.entry(TestRegistry.model("nan")));
    }

    OneInputStreamOperatorTestHarness<SegmentRecord, SegmentRecord> open(OperatorSubtaskState restore)
            throws Exception {
        operator = new BatchInferenceOperator(new InferenceSettings(4, 50), FakePredictor.factory());
        OneInputStreamOperatorTestHarness<SegmentRecord, SegmentRecord> h =
                new OneInputStreamOperatorTestHarness<>(operator);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        h.setProcessingTime(0);
        return h;
    }

    void registry(RegistryEntry e) throws Exception {
        send(Segments.registry(e, Segments.REGISTRY_KEY + 0));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** A segment; a version of "champion" follows the main league's champion. */
    static SegmentRecord audio(String mix, int k, int stems, int melFrames, String... versions) {
        List<VariantModel> models = new ArrayList<>();
        Variant[] variants = versions.length == 1 ? new Variant[] {Variant.MAIN} : new Variant[] {Variant.A, Variant.B};
        for (int i = 0; i < versions.length; i++) {
            boolean follows = versions[i].equals("champion");
            models.add(new VariantModel(variants[i], follows ? null : versions[i], follows, "main"));
        }
        List<ByteBuffer> mel = new ArrayList<>();
        List<Integer> roles = new ArrayList<>();
        for (int s = 0; s < stems; s++) {
            mel.add(FloatBytes.wrap(new float[MixNetArchitecture.MEL_BANDS * melFrames]));
            roles.add(s);
        }
        return Segments.base(SegmentKind.AUDIO, mix)
                .setSegmentIndex(k)
                .setFrames(1024)
                .setModels(models)
                .setRoles(roles)
                .setMel(mel)
                .setMelBands(MixNetArchitecture.MEL_BANDS)
                .setMelFrames(melFrames)
                .build();
    }

    void send(SegmentRecord r) throws Exception {
        harness.processElement(new StreamRecord<>(r));
    }

    List<SegmentRecord> out() {
        return harness.extractOutputValues();
    }

    @Test
    void controlRecordsPassStraightThroughWhenNothingWaits() throws Exception {
        send(Segments.base(SegmentKind.START, "a").build());
        assertEquals(1, out().size());
        assertEquals(0, operator.waiting());
    }

    @Test
    void flushesWhenTheBatchIsFullAcrossMixesAndKeepsOrder() throws Exception {
        send(audio("a", 0, 3, 127, "m1"));
        send(audio("b", 0, 2, 127, "m1"));
        send(Segments.base(SegmentKind.START, "c").build()); // queued behind the waiting segments
        send(audio("a", 1, 3, 128, "m1"));
        assertTrue(out().isEmpty());
        send(audio("b", 1, 2, 128, "m1"));
        List<SegmentRecord> out = out();
        assertEquals(
                List.of("a", "b", "c", "a", "b"),
                out.stream().map(SegmentRecord::getMixId).collect(Collectors.toList()));
        // one ORT run per (version, frame count): 3 + 2 stems at 127 frames, 3 + 2 at 128
        assertEquals(List.of("m1:5x127", "m1:5x128"), FakePredictor.CALLS);
        for (SegmentRecord r : out) {
            if (r.getKind() == SegmentKind.AUDIO) {
                assertEquals(1, r.getParams().size());
                assertEquals(
                        r.getMel().size() * ModelOutput.COUNT,
                        FloatBytes.count(r.getParams().get(0).getValues()));
                assertEquals(4, r.getBatchSegments());
            }
        }
        assertEquals(0, operator.waiting());
    }

    @Test
    void flushesAtTheDeadline() throws Exception {
        send(audio("a", 0, 2, 128, "m1"));
        harness.setProcessingTime(49);
        assertTrue(out().isEmpty());
        harness.setProcessingTime(50);
        assertEquals(1, out().size());
        assertEquals(1, out().get(0).getBatchSegments());
    }

    @Test
    void flushesBeforeEveryCheckpointBarrierSoNothingBufferedCrossesIt() throws Exception {
        send(audio("a", 0, 2, 128, "m1"));
        send(Segments.base(SegmentKind.END, "a").build());
        assertEquals(2, operator.waiting());
        harness.prepareSnapshotPreBarrier(1L);
        assertEquals(0, operator.waiting());
        assertEquals(
                List.of(SegmentKind.AUDIO, SegmentKind.END),
                out().stream().map(SegmentRecord::getKind).collect(Collectors.toList()));
        harness.snapshot(1L, 1L);
    }

    @Test
    void aBattleRunsBothModelsOnTheSameSpectrogram() throws Exception {
        send(audio("duel", 0, 2, 64, "m1", "m3"));
        harness.setProcessingTime(100);
        SegmentRecord r = out().get(0);
        assertEquals(2, r.getParams().size());
        assertEquals(Variant.A, r.getParams().get(0).getVariant());
        assertEquals("m3", r.getParams().get(1).getModelVersion());
        assertEquals(-3f, FloatBytes.toArray(r.getParams().get(1).getValues())[ModelOutput.GAIN_DB.ordinal()]);
        assertEquals(0f, FloatBytes.toArray(r.getParams().get(0).getValues())[ModelOutput.GAIN_DB.ordinal()]);
        assertEquals(List.of("m1:2x64", "m3:2x64"), FakePredictor.CALLS);
    }

    @Test
    void shortSpectrogramsArePaddedToTheModelsMinimum() throws Exception {
        send(audio("tail", 5, 1, 3, "m1"));
        harness.setProcessingTime(100);
        assertEquals(List.of("m1:1x" + MixNetArchitecture.MIN_FRAMES), FakePredictor.CALLS);
    }

    @Test
    void aFailingModelFailsItsMixesOnly() throws Exception {
        send(audio("bad", 0, 1, 128, "broken"));
        send(audio("good", 0, 1, 128, "m1"));
        send(audio("bad", 1, 1, 128, "broken"));
        send(audio("good", 1, 1, 128, "m1"));
        List<SegmentRecord> out = out();
        assertEquals(
                List.of("bad:FAIL", "good:AUDIO", "good:AUDIO"),
                out.stream().map(r -> r.getMixId() + ":" + r.getKind()).collect(Collectors.toList()));
        assertEquals(ErrorCode.MODEL_FAILURE, out.get(0).getFailure().getCode());
        assertEquals(1, harness.getSideOutput(BatchInferenceOperator.ERRORS).size());
        // the rest of the failed mix is dropped, its END included
        send(audio("bad", 2, 1, 128, "broken"));
        send(Segments.base(SegmentKind.END, "bad").build());
        harness.setProcessingTime(100);
        assertEquals(3, out().size());
    }

    /** A model output of NaN is not clamped into a parameter: the mix fails with MODEL_FAILURE (issue 14). */
    @Test
    void aNaNPredictionFailsItsMixWithATypedError() throws Exception {
        send(audio("nan-mix", 0, 2, 128, "nan"));
        send(audio("good", 0, 1, 128, "m1"));
        send(audio("nan-mix", 1, 2, 128, "nan"));
        send(audio("good", 1, 1, 128, "m1"));
        List<SegmentRecord> out = out();
        assertEquals(
                List.of("nan-mix:FAIL", "good:AUDIO", "good:AUDIO"),
                out.stream().map(r -> r.getMixId() + ":" + r.getKind()).collect(Collectors.toList()));
        assertEquals(ErrorCode.MODEL_FAILURE, out.get(0).getFailure().getCode());
        assertTrue(out.get(0).getFailure().getFatal());
        assertTrue(
                out.get(0).getFailure().getMessage().contains("predicted NaN for PAN of stem 0 in segment 0"),
                out.get(0).getFailure().getMessage());
    }

    /**
     * Hot reload: a champion-following mix switches to a newly published champion at a batch boundary once the new
     * model is loaded; until then (and forever, if it fails to load) the previous champion serves.
     */
    @Test
    void championFollowersSwitchAtABatchBoundaryOnceTheNewModelIsLoaded() throws Exception {
        send(audio("long", 0, 1, 64, "champion"));
        harness.setProcessingTime(100);
        FakePredictor.NOT_READY.add("m2");
        registry(TestRegistry.champion("main", "m2"));
        assertTrue(FakePredictor.PREPARED.contains("m2"), "loading starts when the alias arrives");
        send(audio("long", 1, 1, 64, "champion"));
        harness.setProcessingTime(200);
        FakePredictor.NOT_READY.remove("m2");
        send(audio("long", 2, 1, 64, "champion"));
        harness.setProcessingTime(300);
        assertEquals(
                List.of("m1", "m1", "m2"),
                out().stream()
                        .filter(r -> r.getKind() == SegmentKind.AUDIO)
                        .map(r -> r.getParams().get(0).getModelVersion())
                        .collect(Collectors.toList()));
        // a champion that fails to load is never switched to
        FakePredictor.LOAD_FAILURES.put("m3", "sha256 mismatch");
        registry(TestRegistry.champion("main", "m3"));
        send(audio("long", 3, 1, 64, "champion"));
        harness.setProcessingTime(400);
        assertEquals("m2", out().get(out().size() - 1).getParams().get(0).getModelVersion());
        // fixed versions are not affected
        send(audio("pinned", 0, 1, 64, "m1"));
        harness.setProcessingTime(500);
        assertEquals("m1", out().get(out().size() - 1).getParams().get(0).getModelVersion());
    }

    /** The registry view is operator state: after a restore the champion is still known. */
    @Test
    void theRegistryViewSurvivesARestore() throws Exception {
        registry(TestRegistry.champion("main", "m3"));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        FakePredictor.reset();
        harness = open(snapshot);
        assertTrue(FakePredictor.PREPARED.contains("m3"), "the champion is loaded on open");
        send(audio("after", 0, 1, 64, "champion"));
        harness.setProcessingTime(100);
        assertEquals(List.of("m3:1x64"), FakePredictor.CALLS);
    }

    @Test
    void aModelMissingFromTheRegistryFailsItsMix() throws Exception {
        send(audio("lost", 0, 1, 64, "nowhere"));
        harness.setProcessingTime(100);
        SegmentRecord fail = out().get(0);
        assertEquals(SegmentKind.FAIL, fail.getKind());
        assertEquals(ErrorCode.UNKNOWN_MODEL_VERSION, fail.getFailure().getCode());
    }
}
