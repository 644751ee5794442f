package ai.aimix.operators.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.mix.OfflineRenderer;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.model.ModelOutput;
import ai.aimix.operators.records.FloatBytes;
import ai.aimix.operators.records.Keys;
import ai.aimix.operators.records.Segments;
import ai.aimix.operators.testing.Fixtures;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ParameterOverride;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;
import ai.aimix.schema.internal.OutboundRecord;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import ai.aimix.schema.internal.VariantModel;
import ai.aimix.schema.internal.VariantParams;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MixAssemblyFunctionTest {
    static final int SR = 44100;
    static final int SEGMENT = 8192;

    static AssemblySettings settings(int threads) {
        return new AssemblySettings(
                RenderSettings.builder(SR)
                        .segmentFrames(SEGMENT)
                        .rampFrames(1024)
                        .build(),
                threads);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, OutboundRecord> harness(int threads)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, OutboundRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new MixAssemblyFunction(settings(threads))),
                        new Keys.Segment(),
                        Types.STRING);
        h.open();
        return h;
    }

    static float[] randomParams(SplittableRandom r, int stems) {
        float[] p = new float[stems * ModelOutput.COUNT];
        for (int i = 0; i < stems; i++) {
            for (ModelOutput o : ModelOutput.values()) {
                p[i * ModelOutput.COUNT + o.ordinal()] = (float) (o.min() + (o.max() - o.min()) * r.nextDouble());
            }
        }
        return p;
    }

    /** A battle through the operator (state saved after every segment) equals two offline renders. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void streamedBattleEqualsOfflineRendersAndStateIsClearedAtTheEnd(int threads) throws Exception {
        int frames = 5 * SEGMENT + 777;
        int[] channels = {2, 1, 2};
        MixRequest req = MixRequest.newBuilder(Fixtures.request("duel", SR, channels, Fixtures.battle("m1", "m2")))
                .setOverrides(List.of(new ParameterOverride(1, MixParameter.PAN, -0.5f)))
                .setExpectedFrames((long) frames)
                .build();
        float[][] audio = new float[3][];
        for (int i = 0; i < 3; i++) {
            audio[i] = Fixtures.stemAudio(frames, channels[i], SR, 10 + i);
        }
        List<VariantModel> models = List.of(
                new VariantModel(Variant.A, "m1", false, "main"), new VariantModel(Variant.B, "m2", false, "main"));
        SplittableRandom r = new SplittableRandom(3);
        int segments = (frames + SEGMENT - 1) / SEGMENT;
        float[][][][] schedules = new float[2][segments][3][];

        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, OutboundRecord> h = harness(threads)) {
            h.processElement(new StreamRecord<>(Segments.base(SegmentKind.START, "duel")
                    .setRequest(req)
                    .setModels(models)
                    .setFirstSeenMillis(0)
                    .setTotalFrames((long) frames)
                    .build()));
            for (int k = 0; k < segments; k++) {
                int start = k * SEGMENT;
                int n = Math.min(SEGMENT, frames - start);
                List<ByteBuffer> seg = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    seg.add(FloatBytes.wrap(audio[i], start * channels[i], n * channels[i]));
                }
                List<VariantParams> params = new ArrayList<>();
                for (int v = 0; v < 2; v++) {
                    float[] p = randomParams(r, 3);
                    params.add(new VariantParams(
                            models.get(v).getVariant(), models.get(v).getModelVersion(), FloatBytes.wrap(p), "CPU"));
                    for (int i = 0; i < 3; i++) {
                        schedules[v][k][i] = Arrays.copyOfRange(p, i * 7, i * 7 + 7);
                    }
                    schedules[v][k][1][ModelOutput.PAN.ordinal()] = -0.5f; // the override
                }
                h.processElement(new StreamRecord<>(Segments.base(SegmentKind.AUDIO, "duel")
                        .setSegmentIndex(k)
                        .setStartFrame(start)
                        .setFrames(n)
                        .setLast(k == segments - 1)
                        .setAudio(seg)
                        .setParams(params)
                        .setBatchSegments(3)
                        .build()));
                assertEquals(1, h.numKeyedStateEntries());
            }
            h.processElement(
                    new StreamRecord<>(Segments.base(SegmentKind.END, "duel").build()));
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());

            List<OutboundRecord> out = h.extractOutputValues();
            RenderSettings rs = settings(threads).forRequest(SR, null, null);
            for (int v = 0; v < 2; v++) {
                float[] expected = OfflineRenderer.render(rs, audio, channels, frames, schedules[v]);
                float[] got = new float[2 * frames];
                long seq = 0;
                int pos = 0;
                boolean sawLast = false;
                for (OutboundRecord o : out) {
                    if (o.getPayload() instanceof MixOutputChunk) {
                        MixOutputChunk c = (MixOutputChunk) o.getPayload();
                        if (c.getVariant() != models.get(v).getVariant()) {
                            continue;
                        }
                        assertEquals(seq++, c.getSequence());
                        assertEquals(pos / 2, c.getStartFrame());
                        assertEquals(Checksums.crc32c(c.getData()), c.getChecksum());
                        float[] data = Pcm.decode(c.getData(), SampleEncoding.PCM_F32LE);
                        System.arraycopy(data, 0, got, pos, data.length);
                        pos += data.length;
                        sawLast = c.getLast();
                    }
                }
                assertTrue(sawLast);
                assertEquals(2 * frames, pos);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], 1e-4f, "variant " + v + " sample " + i);
                }
            }
            List<MixProgress> progress = new ArrayList<>();
            MixResult result = null;
            for (OutboundRecord o : out) {
                if (o.getPayload() instanceof MixProgress) {
                    progress.add((MixProgress) o.getPayload());
                } else if (o.getPayload() instanceof MixResult) {
                    result = (MixResult) o.getPayload();
                }
            }
            assertEquals(segments, progress.size());
            assertEquals(segments, (int) progress.get(0).getSegmentsTotal());
            assertEquals(0L, (long) progress.get(segments - 1).getEtaMillis());
            assertNotNull(result);
            assertEquals(MixStatus.COMPLETED, result.getStatus());
            assertEquals(frames, result.getFrames());
            assertEquals(2, result.getVariants().size());
            assertEquals(
                    segments,
                    result.getVariants()
                            .get(1)
                            .getStems()
                            .get(0)
                            .getAutomation()
                            .size());
            assertEquals(
                    -0.5f,
                    result.getVariants().get(0).getStems().get(1).getMean().getPan(),
                    1e-6f);
            assertEquals(segments, result.getTimings().getBatchSegments().size());
            assertNotNull(result.getVariants().get(0).getIntegratedLufs());
            assertTrue(result.getVariants().get(0).getTruePeakDbtp() <= -1.0 + 0.5);
        }
    }

    @Test
    void aFailureMidMixGivesAFailedResultAndClearsState() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, OutboundRecord> h = harness(1)) {
            MixRequest req = Fixtures.request("f", SR, 1);
            h.processElement(new StreamRecord<>(Segments.base(SegmentKind.START, "f")
                    .setRequest(req)
                    .setModels(List.of(new VariantModel(Variant.MAIN, "m1", false, "main")))
                    .build()));
            assertEquals(1, h.numKeyedStateEntries());
            MixError why = MixError.newBuilder()
                    .setMixId("f")
                    .setCode(ErrorCode.MISSING_CHUNK)
                    .setFatal(true)
                    .setMessage("stem 0 awaits chunk 3")
                    .setOccurredAtMillis(1)
                    .build();
            h.processElement(new StreamRecord<>(Segments.fail("f", why, false, req)));
            assertEquals(0, h.numKeyedStateEntries());
            MixResult result = (MixResult) h.extractOutputValues().get(0).getPayload();
            assertEquals(MixStatus.FAILED, result.getStatus());
            assertEquals(ErrorCode.MISSING_CHUNK, result.getErrorCode());
            // a rejected request, never started here, still gets its result
            h.processElement(new StreamRecord<>(Segments.fail("g", why, true, Fixtures.request("g", SR, 1))));
            assertEquals(2, h.extractOutputValues().size());
            // a FAIL for a mix that already ended here is not reported twice
            h.processElement(new StreamRecord<>(Segments.fail("f", why, false, req)));
            assertEquals(2, h.extractOutputValues().size());
        }
    }

    static long inFlight(KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, OutboundRecord> h) {
        return ((MixAssemblyFunction) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction())
                .mixesInFlight();
    }

    static SegmentRecord startOf(String mixId) {
        return Segments.base(SegmentKind.START, mixId)
                .setRequest(Fixtures.request(mixId, SR, 1))
                .setModels(List.of(new VariantModel(Variant.MAIN, "m1", false, "main")))
                .build();
    }

    /** Mixes in flight count up at START, down at the end or failure, and survive a restore from a snapshot. */
    @Test
    void mixesInFlightAreCountedAndSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, OutboundRecord> h = harness(1)) {
            h.processElement(new StreamRecord<>(startOf("x")));
            h.processElement(new StreamRecord<>(startOf("y")));
            h.processElement(new StreamRecord<>(startOf("y"))); // a repeated START is the same mix
            assertEquals(2, inFlight(h));
            snapshot = h.snapshot(1L, 1L);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, OutboundRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new MixAssemblyFunction(settings(1))),
                        new Keys.Segment(),
                        Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(2, inFlight(h));
            MixError why = MixError.newBuilder()
                    .setMixId("x")
                    .setCode(ErrorCode.MISSING_CHUNK)
                    .setFatal(true)
                    .setMessage("stem 0 awaits chunk 3")
                    .setOccurredAtMillis(1)
                    .build();
            h.processElement(new StreamRecord<>(Segments.fail("x", why, false, Fixtures.request("x", SR, 1))));
            assertEquals(1, inFlight(h));
            // a request refused before it started was never in flight
            h.processElement(new StreamRecord<>(Segments.fail("g", why, true, Fixtures.request("g", SR, 1))));
            assertEquals(1, inFlight(h));
            h.processElement(new StreamRecord<>(Segments.base(SegmentKind.END, "y")
                    .setSegmentIndex(0)
                    .setTotalFrames(0L)
                    .build()));
            assertEquals(0, inFlight(h));
            assertEquals(0, h.numKeyedStateEntries());
        }
    }
}
