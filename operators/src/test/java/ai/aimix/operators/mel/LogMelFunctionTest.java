package ai.aimix.operators.mel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.spectral.Decibels;
import ai.aimix.dsp.spectral.MelFilterbank;
import ai.aimix.dsp.spectral.PadMode;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.dsp.spectral.Stft;
import ai.aimix.operators.records.FloatBytes;
import ai.aimix.operators.records.Keys;
import ai.aimix.operators.records.Segments;
import ai.aimix.operators.testing.Fixtures;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogMelFunctionTest {

    /** Segment by segment through keyed state, the frames are those of the whole stems; state ends with the mix. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void framesContinueAcrossSegmentsAndStateIsClearedAtTheEnd(int threads) throws Exception {
        int sr = 22050;
        int segment = 4096;
        int frames = 3 * segment + 1000;
        MixRequest req = Fixtures.request("m", sr, 2, 1);
        float[] a = Fixtures.stemAudio(frames, 2, sr, 1);
        float[] b = Fixtures.stemAudio(frames, 1, sr, 2);
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, SegmentRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new LogMelFunction(new MelSettings(2048, 512, 64, threads))),
                        new Keys.Segment(),
                        Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(
                    Segments.base(SegmentKind.START, "m").setRequest(req).build()));
            for (int k = 0; k * segment < frames; k++) {
                int n = Math.min(segment, frames - k * segment);
                List<ByteBuffer> audio = new ArrayList<>();
                audio.add(FloatBytes.wrap(a, 2 * k * segment, 2 * n));
                audio.add(FloatBytes.wrap(b, k * segment, n));
                h.processElement(new StreamRecord<>(Segments.base(SegmentKind.AUDIO, "m")
                        .setSegmentIndex(k)
                        .setFrames(n)
                        .setLast(k * segment + n == frames)
                        .setAudio(audio)
                        .setRoles(List.of(0, 1))
                        .build()));
            }
            assertEquals(1, h.numKeyedStateEntries());
            h.processElement(
                    new StreamRecord<>(Segments.base(SegmentKind.END, "m").build()));
            assertEquals(0, h.numKeyedStateEntries());

            List<SegmentRecord> out = h.extractOutputValues();
            MelFilterbank bank = MelFilterbank.librosaDefault(sr, 2048, 64);
            float[] monoA = new float[frames];
            for (int i = 0; i < frames; i++) {
                monoA[i] = (a[2 * i] + a[2 * i + 1]) * 0.5f;
            }
            float[][][] whole = {
                Stft.melPower(monoA, 2048, 512, PadMode.CONSTANT, bank),
                Stft.melPower(b, 2048, 512, PadMode.CONSTANT, bank)
            };
            int total = Stft.frameCount(frames, 512);
            int t0 = 0;
            for (SegmentRecord s : out) {
                if (s.getKind() != SegmentKind.AUDIO) {
                    continue;
                }
                int t = s.getMelFrames();
                for (int stem = 0; stem < 2; stem++) {
                    float[] mel = FloatBytes.toArray(s.getMel().get(stem));
                    for (int m = 0; m < 64; m++) {
                        for (int j = 0; j < t; j++) {
                            assertEquals(Decibels.powerToDb(whole[stem][m][t0 + j]), mel[m * t + j], 0f);
                        }
                    }
                }
                t0 += t;
            }
            assertEquals(total, t0);
        }
    }

    /**
     * Each segment's stem descriptors are those the training corpus measures for the same stems
     * ({@link SegmentMels#of} with the descriptors' tap), through a checkpoint and restore in the middle of the mix:
     * the loudness meter's gating blocks and the octave bands carry over exactly.
     */
    @Test
    void descriptorsAreTheCorpusOwnAcrossARestore() throws Exception {
        int sr = 22050;
        int segment = 8192;
        int frames = 4 * segment + 3000;
        MixRequest req = Fixtures.request("d", sr, 2, 1);
        float[] a = Fixtures.stemAudio(frames, 2, sr, 1);
        float[] b = Fixtures.stemAudio(frames, 1, sr, 2);
        MelSettings settings = new MelSettings(2048, 512, 64, 1);
        List<SegmentRecord> out = new ArrayList<>();
        OperatorSubtaskState snapshot;
        int segments = (frames + segment - 1) / segment;
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, SegmentRecord> h = harness(settings)) {
            h.open();
            h.processElement(new StreamRecord<>(
                    Segments.base(SegmentKind.START, "d").setRequest(req).build()));
            for (int k = 0; k < 2; k++) {
                h.processElement(new StreamRecord<>(audio("d", a, b, k, segment, frames)));
            }
            out.addAll(h.extractOutputValues());
            snapshot = h.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, SegmentRecord> h = harness(settings)) {
            h.initializeState(snapshot);
            h.open();
            for (int k = 2; k < segments; k++) {
                h.processElement(new StreamRecord<>(audio("d", a, b, k, segment, frames)));
            }
            h.processElement(
                    new StreamRecord<>(Segments.base(SegmentKind.END, "d").build()));
            assertEquals(0, h.numKeyedStateEntries());
            out.addAll(h.extractOutputValues());
        }
        StemMel mel = new StemMel(sr, 2048, 512, 64);
        float[][][] expected = new float[2][segments][StemDescriptors.COUNT];
        float[][] stems = {a, b};
        for (int stem = 0; stem < 2; stem++) {
            StemDescriptors d = new StemDescriptors(sr, 2 - stem, mel.nFft());
            float[][] own = expected[stem];
            SegmentMels.of(
                    mel,
                    stems[stem],
                    2 - stem,
                    frames,
                    segment,
                    1,
                    d.powerTap(),
                    (k, part, n) -> d.segment(part, 0, n, own[k], 0));
        }
        int k = 0;
        for (SegmentRecord r : out) {
            if (r.getKind() != SegmentKind.AUDIO) {
                continue;
            }
            for (int stem = 0; stem < 2; stem++) {
                float[] got = FloatBytes.toArray(r.getDescriptors().get(stem));
                assertArrayEquals(expected[stem][k], got, 0f, "segment " + k + " stem " + stem);
            }
            k++;
        }
        assertEquals(segments, k);
        // the measurement is of the audio: a sine at a fixed level reads a finite loudness, not the floor
        assertTrue(expected[0][1][StemDescriptors.INTEGRATED_LUFS] > -60, expected[0][1][0] + " LUFS");
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, SegmentRecord> harness(
            MelSettings settings) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LogMelFunction(settings)), new Keys.Segment(), Types.STRING);
    }

    private static SegmentRecord audio(String mix, float[] a, float[] b, int k, int segment, int frames) {
        int n = Math.min(segment, frames - k * segment);
        List<ByteBuffer> audio = new ArrayList<>();
        audio.add(FloatBytes.wrap(a, 2 * k * segment, 2 * n));
        audio.add(FloatBytes.wrap(b, k * segment, n));
        return Segments.base(SegmentKind.AUDIO, mix)
                .setSegmentIndex(k)
                .setFrames(n)
                .setLast(k * segment + n == frames)
                .setAudio(audio)
                .setRoles(List.of(0, 1))
                .build();
    }

    @Test
    void failureClearsStateAndLaterSegmentsAreDropped() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, SegmentRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new LogMelFunction(MelSettings.defaults())),
                        new Keys.Segment(),
                        Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(Segments.base(SegmentKind.START, "f")
                    .setRequest(Fixtures.request("f", 44100, 1))
                    .build()));
            h.processElement(new StreamRecord<>(Segments.fail("f", null, false, null)));
            assertEquals(0, h.numKeyedStateEntries());
            h.processElement(new StreamRecord<>(Segments.base(SegmentKind.AUDIO, "f")
                    .setFrames(10)
                    .setAudio(List.of(FloatBytes.wrap(new float[10])))
                    .build()));
            assertEquals(2, h.extractOutputValues().size());
        }
    }
}
