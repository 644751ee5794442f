package ai.aimix.gateway.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.gateway.Results;
import ai.aimix.gateway.audio.AudioStore;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream of a mix: an early and a late subscriber see the same audio, then the result, then the end. */
class MixEventsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Records what it is sent. */
    static final class Recorder implements Subscriber {
        final List<JsonNode> events = new ArrayList<>();
        final List<short[]> audio = new ArrayList<>();
        final List<Long> audioStarts = new ArrayList<>();
        boolean ended;

        @Override
        public void text(String json) {
            try {
                events.add(JSON.readTree(json));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void binary(ByteBuffer data) {
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(Variant.MAIN.ordinal(), b.getInt());
            int frames = b.getInt();
            audioStarts.add(b.getLong());
            short[] s = new short[frames * 2];
            b.asShortBuffer().get(s);
            audio.add(s);
        }

        @Override
        public void end() {
            ended = true;
        }

        List<String> types() {
            return events.stream().map(e -> e.path("type").asText()).distinct().toList();
        }

        short[] allAudio() {
            int n = audio.stream().mapToInt(a -> a.length).sum();
            short[] out = new short[n];
            int pos = 0;
            for (short[] a : audio) {
                System.arraycopy(a, 0, out, pos, a.length);
                pos += a.length;
            }
            return out;
        }
    }

    static MixOutputChunk chunk(long seq, long start, float[] x, boolean last) {
        ByteBuffer data = Pcm.encode(x, 0, x.length, SampleEncoding.PCM_F32LE);
        return new MixOutputChunk(
                "m",
                Variant.MAIN,
                "v1",
                seq,
                start,
                44100,
                2,
                SampleEncoding.PCM_F32LE,
                data,
                last,
                Checksums.crc32c(data));
    }

    static MixProgress progress(int segments) {
        return MixProgress.newBuilder()
                .setMixId("m")
                .setSegmentsDone(segments)
                .setSegmentsTotal(3)
                .setFramesDone(segments * 1000L)
                .setFramesTotal(3000L)
                .setElapsedMillis(10)
                .setEtaMillis(5L)
                .setEmittedAtMillis(1)
                .build();
    }

    static VariantResult variantResult() {
        return VariantResult.newBuilder()
                .setVariant(Variant.MAIN)
                .setModelVersion("v1")
                .setInferenceProvider("CPU")
                .setStems(List.of())
                .setMasterGainDb(List.of())
                .setOutputChunks(2)
                .setLimiterMaxReductionDb(0f)
                .build();
    }

    static MixResult completed(List<VariantResult> variants) {
        return Results.completed(44100, 3000L, 3, 1000)
                .setVariants(variants)
                .setCompletedAtMillis(2)
                .build();
    }

    /** A new mix of one mono stem at 44.1 kHz, up to {@code maxSeconds} long. */
    static MixState oneStemMix(AudioStore store, int maxSeconds) throws Exception {
        return new MixBook(Clock.systemUTC(), Duration.ofHours(1), store, ended -> {})
                .create(
                        MixSpec.parse(
                                JSON.readTree(
                                        "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}]}"),
                                4,
                                maxSeconds),
                        "owner");
    }

    @Test
    void lateSubscribersGetTheStateSoFarThenTheSameEventsAsEveryone(@TempDir Path tmp) throws Exception {
        try (AudioStore store = new AudioStore(tmp)) {
            MixBook book = new MixBook(Clock.systemUTC(), Duration.ofHours(1), store, ended -> {});
            MixState m = book.create(
                    MixSpec.parse(
                            JSON.readTree("{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}]}"),
                            4,
                            60),
                    "owner");
            Recorder early = new Recorder();
            m.subscribe(early, "/m");
            float[][] blocks = new float[3][];
            for (int k = 0; k < 3; k++) {
                blocks[k] = new float[2000];
                for (int i = 0; i < blocks[k].length; i++) {
                    blocks[k][i] = (float) Math.sin(0.01 * (k * 2000 + i)) * 0.5f;
                }
            }
            m.progress(progress(1));
            m.output(chunk(0, 0, blocks[0], false));
            m.progress(progress(2));
            m.output(chunk(1, 1000, blocks[1], false));
            Recorder late = new Recorder();
            m.subscribe(late, "/m");
            assertEquals("state", late.events.get(0).path("type").asText());
            assertEquals(
                    2,
                    late.events
                            .get(0)
                            .path("mix")
                            .path("progress")
                            .path("segmentsDone")
                            .asInt());
            assertEquals(List.of(0L), late.audioStarts, "the stored audio replayed in one block");
            m.progress(progress(3));
            m.output(chunk(2, 2000, blocks[2], true));
            m.result(completed(List.of()), 2);
            for (Recorder r : List.of(early, late)) {
                assertTrue(r.ended);
                assertEquals(6000, r.allAudio().length);
                assertEquals(
                        "result", r.events.get(r.events.size() - 1).path("type").asText());
                assertEquals("state", r.types().get(0));
                assertEquals(
                        Set.of("state", "progress", "audio", "result"), Set.copyOf(r.types()), r.events.toString());
            }
            assertEquals(List.of(0L, 1000L, 2000L), early.audioStarts);
            assertEquals(List.of(0L, 2000L), late.audioStarts);
            assertTrue(Arrays.equals(early.allAudio(), late.allAudio()), "the same audio");
            assertEquals(0, m.subscribers());
            // after the end, a subscriber gets the state and every frame, then the end at once
            Recorder after = new Recorder();
            m.subscribe(after, "/m");
            assertTrue(after.ended);
            assertEquals(6000, after.allAudio().length);
            assertEquals(
                    "COMPLETED", after.events.get(0).path("mix").path("status").asText());
        }
    }

    /** A result read before the last of its audio (the topics carry no order) reaches subscribers after the audio. */
    @Test
    void aResultThatOvertakesItsAudioWaitsForIt(@TempDir Path tmp) throws Exception {
        try (AudioStore store = new AudioStore(tmp)) {
            MixState m = oneStemMix(store, 60);
            Recorder r = new Recorder();
            m.subscribe(r, "/m");
            float[] x = new float[2000];
            m.output(chunk(0, 0, x, false));
            m.result(completed(List.of(variantResult())), 1);
            assertEquals(MixState.Status.MIXING, m.status(), "not COMPLETED before its audio is");
            assertEquals(false, r.ended);
            m.output(chunk(1, 1000, x, true));
            assertEquals(MixState.Status.COMPLETED, m.status());
            assertEquals(true, r.ended);
            assertEquals(
                    "result", r.events.get(r.events.size() - 1).path("type").asText());
            assertEquals(4000, r.allAudio().length);
        }
    }

    /**
     * A subscriber whose writes complete only when the test says so, like a slow connection: it reports its
     * backlog, and runs the write callback as each message is written.
     */
    static final class SlowRecorder implements Subscriber {
        final Recorder got = new Recorder();
        final List<Runnable> unwritten = new ArrayList<>();
        long backlog;
        long maxBacklog;
        Runnable written;

        @Override
        public void text(String json) {
            queue(json.length(), () -> got.text(json));
        }

        @Override
        public void binary(ByteBuffer data) {
            ByteBuffer copy = data.duplicate();
            queue(data.remaining(), () -> got.binary(copy));
        }

        private void queue(long size, Runnable write) {
            backlog += size;
            maxBacklog = Math.max(maxBacklog, backlog);
            unwritten.add(() -> {
                write.run();
                backlog -= size;
                if (written != null) {
                    written.run();
                }
            });
        }

        /** Writes out one waiting message: false when none waits. */
        boolean writeOne() {
            if (unwritten.isEmpty()) {
                return false;
            }
            unwritten.remove(0).run();
            return true;
        }

        @Override
        public void end() {
            queue(0, () -> got.end());
        }

        @Override
        public long backlog() {
            return backlog;
        }

        @Override
        public void onWritten(Runnable written) {
            this.written = written;
        }
    }

    /**
     * A late subscriber to a long mix is sent its stored audio at the pace it writes it (never more than the replay
     * window waiting), events that happen meanwhile come after the replayed audio, and it ends up with every frame
     * in order, then the result, then the end: the same as a subscriber who was there from the start.
     */
    @Test
    void aSlowLateSubscriberIsReplayedAtItsOwnPace(@TempDir Path tmp) throws Exception {
        try (AudioStore store = new AudioStore(tmp)) {
            MixState m = oneStemMix(store, 600);
            Recorder early = new Recorder();
            m.subscribe(early, "/m");
            int chunkFrames = 44100;
            int chunks = 120; // two minutes of stereo audio: 21 MB as 16-bit PCM, more than a subscriber may queue
            for (int k = 0; k < chunks; k++) {
                float[] x = new float[chunkFrames * 2];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) Math.sin(0.001 * ((long) k * x.length + i)) * 0.5f;
                }
                m.output(chunk(k, (long) k * chunkFrames, x, false));
            }
            SlowRecorder late = new SlowRecorder();
            m.subscribe(late, "/m");
            long block = MixState.AUDIO_HEADER_BYTES + MixState.REPLAY_FRAMES * 2L * 2;
            assertTrue(
                    late.maxBacklog <= MixState.REPLAY_WINDOW_BYTES + block + 1000,
                    "at most the window queued at once: " + late.maxBacklog);
            assertEquals(2, m.subscribers(), "the early one and the one catching up");
            // the job goes on while the late subscriber is still catching up
            m.progress(progress(2));
            m.output(chunk(chunks, (long) chunks * chunkFrames, new float[chunkFrames * 2], true));
            m.result(completed(List.of()), 3);
            assertTrue(early.ended);
            int writes = 0;
            while (late.writeOne()) {
                writes++;
                assertTrue(late.maxBacklog <= MixState.REPLAY_WINDOW_BYTES + block + 1000, "" + late.maxBacklog);
            }
            assertTrue(writes > 100, "many paced writes: " + writes);
            assertTrue(late.got.ended);
            assertEquals(0, m.subscribers());
            assertEquals(early.allAudio().length, late.got.allAudio().length);
            assertTrue(Arrays.equals(early.allAudio(), late.got.allAudio()), "the same audio, in order");
            List<String> types =
                    late.got.events.stream().map(e -> e.path("type").asText()).toList();
            assertEquals("state", types.get(0));
            int lastAudio = types.lastIndexOf("audio");
            assertTrue(types.indexOf("progress") > lastAudio, "the live event after the replayed audio: " + types);
            assertEquals("result", types.get(types.size() - 1));
        }
    }
}
