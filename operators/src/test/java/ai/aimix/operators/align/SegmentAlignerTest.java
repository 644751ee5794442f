package ai.aimix.operators.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.operators.records.FloatBytes;
import ai.aimix.operators.records.Keys;
import ai.aimix.operators.registry.RegistryState;
import ai.aimix.operators.testing.Fixtures;
import ai.aimix.operators.testing.TestRegistry;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.Excerpt;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.ModelSelections;
import ai.aimix.schema.internal.InboundRecord;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentAlignerTest {
    static final int SR = 8000;
    static final int SEGMENT = 1024;
    static final AlignSettings SETTINGS =
            new AlignSettings(SEGMENT, 4, 10, 100_000, 4, 1_000, 2_000, 1 << 20, 5_000, 8000, 48000, 600, 100, true);

    KeyedTwoInputStreamOperatorTestHarness<String, InboundRecord, RegistryEntry, SegmentRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new SegmentAligner(SETTINGS), List.of(RegistryState.DESCRIPTOR)),
                new Keys.Inbound(),
                e -> "",
                Types.STRING);
        harness.open();
        harness.setProcessingTime(0);
        for (RegistryEntry e : TestRegistry.standard()) {
            registry(e);
        }
    }

    void registry(RegistryEntry e) throws Exception {
        harness.processElement2(new StreamRecord<>(e));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    void send(MixRequest r) throws Exception {
        harness.processElement1(new StreamRecord<>(Fixtures.inbound(r)));
    }

    void send(AudioChunk c) throws Exception {
        harness.processElement1(new StreamRecord<>(Fixtures.inbound(c)));
    }

    List<SegmentRecord> out(String mixId) {
        return harness.extractOutputValues().stream()
                .filter(s -> s.getMixId().equals(mixId))
                .collect(Collectors.toList());
    }

    List<MixError> errors() {
        List<MixError> e = new ArrayList<>();
        if (harness.getSideOutput(SegmentAligner.ERRORS) != null) {
            harness.getSideOutput(SegmentAligner.ERRORS).forEach(r -> e.add(r.getValue()));
        }
        return e;
    }

    List<ErrorCode> errorCodes(String mixId) {
        return errors().stream()
                .filter(e -> mixId.equals(e.getMixId()))
                .map(MixError::getCode)
                .collect(Collectors.toList());
    }

    void assertNothingLeft() throws Exception {
        assertEquals(0, harness.numKeyedStateEntries(), "keyed state entries");
        assertEquals(0, harness.numProcessingTimeTimers(), "timers");
    }

    /** Two stems of different lengths and channel counts, chunks of different sizes, some swapped in transit. */
    @Test
    void alignsStemsIntoSegmentsAndLeavesNothingBehind() throws Exception {
        float[] a = Fixtures.stemAudio(2500, 2, SR, 1);
        float[] b = Fixtures.stemAudio(1800, 1, SR, 2);
        List<AudioChunk> all = Fixtures.interleaved(List.of(
                Fixtures.chunks("mix", 0, SR, 2, SampleEncoding.PCM_F32LE, a, 300),
                Fixtures.chunks("mix", 1, SR, 1, SampleEncoding.PCM_S16LE, b, 700)));
        Collections.swap(all, 2, 4); // stem 0 chunk 2 before chunk 1 ... within the reorder window
        send(Fixtures.request("mix", SR, 2, 1));
        for (AudioChunk c : all) {
            send(c);
        }
        List<SegmentRecord> out = out("mix");
        assertEquals(
                List.of(SegmentKind.START, SegmentKind.AUDIO, SegmentKind.AUDIO, SegmentKind.AUDIO, SegmentKind.END),
                out.stream().map(SegmentRecord::getKind).collect(Collectors.toList()));
        assertEquals(
                List.of(Variant.MAIN),
                out.get(0).getModels().stream().map(m -> m.getVariant()).collect(Collectors.toList()));
        assertEquals("m1", out.get(0).getModels().get(0).getModelVersion());
        int[] frames = {SEGMENT, SEGMENT, 2500 - 2 * SEGMENT};
        float[] gotA = new float[2 * 2500];
        float[] gotB = new float[2500];
        for (int k = 0; k < 3; k++) {
            SegmentRecord s = out.get(1 + k);
            assertEquals(k, s.getSegmentIndex());
            assertEquals((long) k * SEGMENT, s.getStartFrame());
            assertEquals(frames[k], s.getFrames());
            assertEquals(k == 2, s.getLast());
            float[] sa = FloatBytes.toArray(s.getAudio().get(0));
            float[] sb = FloatBytes.toArray(s.getAudio().get(1));
            assertEquals(2 * frames[k], sa.length);
            assertEquals(frames[k], sb.length);
            System.arraycopy(sa, 0, gotA, 2 * k * SEGMENT, sa.length);
            System.arraycopy(sb, 0, gotB, k * SEGMENT, sb.length);
        }
        assertArrayEquals(a, gotA, 0f);
        float[] expectedB = new float[2500];
        for (int i = 0; i < 1800; i++) {
            expectedB[i] = Math.round(b[i] * 32768f) / 32768f; // 16-bit on the wire
        }
        assertArrayEquals(expectedB, gotB, 0f); // the shorter stem is padded with silence
        assertEquals(2500L, out.get(4).getTotalFrames());
        assertTrue(errors().isEmpty(), errors().toString());

        // a tombstone remembers the mix for the retention time, then everything is gone
        assertEquals(1, harness.numProcessingTimeTimers());
        send(Fixtures.chunk("mix", 0, 99, SR, 2, SampleEncoding.PCM_F32LE, a, 0, 10, false));
        assertEquals(List.of(ErrorCode.CHUNK_AFTER_LAST), errorCodes("mix"));
        harness.setProcessingTime(SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    /**
     * An excerpt: only frames [start, start + length) are mixed, as a song of their own (frames from 0). Chunks wholly
     * before it are dropped as they come, the one straddling its start is read from there, the stems end at its end
     * (the mix completes before the upload does), and the rest of the upload is dropped without errors. Chunks are
     * swapped in transit within the reorder window; one stem is shorter than the excerpt's end.
     */
    @ParameterizedTest(name = "excerpt {0}+{1}, chunks of {2} frames")
    @CsvSource({"1500, 2100, 300", "0, 1024, 700", "1000, 5000, 256", "300, 10, 1000"})
    void anExcerptIsMixedAsASongOfItsOwnAndTheRestIsDropped(long start, long length, int chunk) throws Exception {
        int total = 6000;
        int shortStem = 3000;
        float[] a = Fixtures.stemAudio(total, 2, SR, 7);
        float[] b = Fixtures.stemAudio(shortStem, 1, SR, 8);
        List<AudioChunk> all = Fixtures.interleaved(List.of(
                Fixtures.chunks("ex", 0, SR, 2, SampleEncoding.PCM_F32LE, a, chunk),
                Fixtures.chunks("ex", 1, SR, 1, SampleEncoding.PCM_F32LE, b, chunk)));
        Collections.swap(all, 2, 4);
        MixRequest r = Fixtures.request("ex", SR, 2, 1);
        r.setExcerpt(new Excerpt(start, length));
        r.setExpectedFrames((long) total);
        send(r);
        long end = Math.min(start + length, total);
        long frames = end - start;
        int sentWhenDone = -1;
        for (int i = 0; i < all.size(); i++) {
            send(all.get(i));
            List<SegmentRecord> so = out("ex");
            if (sentWhenDone < 0 && so.get(so.size() - 1).getKind() == SegmentKind.END) {
                sentWhenDone = i + 1;
            }
        }
        List<SegmentRecord> out = out("ex");
        assertEquals(SegmentKind.START, out.get(0).getKind());
        assertEquals(Long.valueOf(Math.min(length, total - start)), out.get(0).getTotalFrames(), "expected frames");
        assertTrue(sentWhenDone > 0 && (end == total || sentWhenDone < all.size()), "done at chunk " + sentWhenDone);
        float[] gotA = new float[(int) (2 * frames)];
        float[] gotB = new float[(int) frames];
        long at = 0;
        for (SegmentRecord seg : out.subList(1, out.size() - 1)) {
            assertEquals(SegmentKind.AUDIO, seg.getKind());
            assertEquals(at, seg.getStartFrame());
            System.arraycopy(FloatBytes.toArray(seg.getAudio().get(0)), 0, gotA, (int) (2 * at), 2 * seg.getFrames());
            System.arraycopy(FloatBytes.toArray(seg.getAudio().get(1)), 0, gotB, (int) at, seg.getFrames());
            at += seg.getFrames();
        }
        assertEquals(frames, at, "the excerpt's frames, no more");
        assertEquals(SegmentKind.END, out.get(out.size() - 1).getKind());
        assertEquals(frames, out.get(out.size() - 1).getTotalFrames());
        assertArrayEquals(Arrays.copyOfRange(a, (int) (2 * start), (int) (2 * end)), gotA, 0f);
        float[] expectedB = new float[(int) frames];
        for (long f = start; f < Math.min(end, shortStem); f++) {
            expectedB[(int) (f - start)] = b[(int) f];
        }
        assertArrayEquals(expectedB, gotB, 0f, "the shorter stem, padded");
        assertTrue(errors().isEmpty(), errors().toString());
        harness.setProcessingTime(SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    @Test
    void aBadExcerptIsRefused() throws Exception {
        MixRequest r = Fixtures.request("bad", SR, 1);
        r.setExcerpt(new Excerpt(-1L, 100L));
        send(r);
        MixRequest r2 = Fixtures.request("bad2", SR, 1);
        r2.setExcerpt(new Excerpt(0L, 0L));
        send(r2);
        assertEquals(List.of(ErrorCode.INVALID_REQUEST), errorCodes("bad"));
        assertEquals(List.of(ErrorCode.INVALID_REQUEST), errorCodes("bad2"));
        assertTrue(
                errors().get(0).getMessage().contains("excerpt.startFrame"),
                errors().get(0).getMessage());
    }

    /**
     * A segment's latency runs from the first chunk of any stem that carries its frames: stem 0 runs ahead (its
     * chunks for segments 0..2 come at t=10 and t=20), stem 1 follows (t=30, t=40, t=50).
     */
    @Test
    void eachSegmentCarriesWhenItsFirstChunkCameAndWhenItWasAligned() throws Exception {
        float[] a = Fixtures.stemAudio(3 * SEGMENT, 1, SR, 5);
        float[] b = Fixtures.stemAudio(3 * SEGMENT, 1, SR, 6);
        send(Fixtures.request("t", SR, 1, 1));
        harness.setProcessingTime(10);
        // frames 0..1535: all of segment 0, half of segment 1
        send(Fixtures.chunk("t", 0, 0, SR, 1, SampleEncoding.PCM_F32LE, a, 0, 1536, false));
        harness.setProcessingTime(20);
        send(Fixtures.chunk("t", 0, 1, SR, 1, SampleEncoding.PCM_F32LE, a, 1536, 3 * SEGMENT - 1536, true));
        harness.setProcessingTime(30);
        send(Fixtures.chunk("t", 1, 0, SR, 1, SampleEncoding.PCM_F32LE, b, 0, SEGMENT, false));
        harness.setProcessingTime(40);
        send(Fixtures.chunk("t", 1, 1, SR, 1, SampleEncoding.PCM_F32LE, b, SEGMENT, SEGMENT, false));
        harness.setProcessingTime(50);
        send(Fixtures.chunk("t", 1, 2, SR, 1, SampleEncoding.PCM_F32LE, b, 2 * SEGMENT, SEGMENT, true));
        List<SegmentRecord> audio =
                out("t").stream().filter(r -> r.getKind() == SegmentKind.AUDIO).collect(Collectors.toList());
        assertEquals(
                List.of(10L, 10L, 20L),
                audio.stream().map(SegmentRecord::getFirstChunkAtMillis).collect(Collectors.toList()));
        assertEquals(
                List.of(30L, 40L, 50L),
                audio.stream().map(SegmentRecord::getAlignedAtMillis).collect(Collectors.toList()));
        assertTrue(errors().isEmpty(), errors().toString());
        harness.setProcessingTime(50 + SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    @Test
    void chunksThatArriveBeforeTheirRequestWaitForIt() throws Exception {
        float[] a = Fixtures.stemAudio(3000, 1, SR, 3);
        for (AudioChunk c : Fixtures.chunks("early", 0, SR, 1, SampleEncoding.PCM_F32LE, a, 512)) {
            send(c);
        }
        assertTrue(out("early").isEmpty());
        send(Fixtures.request("early", SR, 1));
        List<SegmentRecord> out = out("early");
        assertEquals(SegmentKind.START, out.get(0).getKind());
        assertEquals(SegmentKind.END, out.get(out.size() - 1).getKind());
        assertEquals(3000L, out.get(out.size() - 1).getTotalFrames());
        harness.setProcessingTime(SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    /** The segments' audio of a mix, stem 0, concatenated (to compare a disturbed mix with an undisturbed one). */
    float[] stemZero(String mixId) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (SegmentRecord r : out(mixId)) {
            if (r.getKind() == SegmentKind.AUDIO) {
                float[] a = FloatBytes.toArray(r.getAudio().get(0));
                parts.add(a);
                n += a.length;
            }
        }
        float[] all = new float[n];
        int pos = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, all, pos, a.length);
            pos += a.length;
        }
        return all;
    }

    static AudioChunk withToken(AudioChunk c, String token) {
        return AudioChunk.newBuilder(c).setUploadToken(token).build();
    }

    /**
     * Issue 14, finding 5: chunks that are not the producer's (another token, or none) neither fail nor fill a mix,
     * whether they come while the mix runs (out of order, with another channel count, a far-off sequence) or before
     * its request (taking the producer's own chunk's stem and sequence): each is refused as UPLOAD_TOKEN_MISMATCH and
     * the mix comes out as if they had never been sent.
     */
    @Test
    void chunksWithoutTheRequestsUploadTokenNeverTouchTheMix() throws Exception {
        float[] a = Fixtures.stemAudio(3000, 2, SR, 11);
        List<AudioChunk> victim = Fixtures.chunks("victim", 0, SR, 2, SampleEncoding.PCM_F32LE, a, 500);
        float[] mono = Fixtures.stemAudio(500, 1, SR, 12);
        // before the request: a stray chunk in the place of the producer's first one, then the producer's
        send(withToken(victim.get(0), "someone-elses-token-123"));
        send(victim.get(0));
        send(Fixtures.request("victim", SR, 2));
        send(victim.get(1));
        // while it runs: out of order far beyond the window, the wrong channel count, no token, the last flag early
        send(withToken(victim.get(5), "someone-elses-token-123"));
        send(withToken(
                Fixtures.chunk("victim", 0, 2, SR, 1, SampleEncoding.PCM_F32LE, mono, 0, 500, false),
                "someone-elses-token-123"));
        send(withToken(victim.get(2), null));
        send(withToken(
                AudioChunk.newBuilder(victim.get(3))
                        .setSequence(1L << 45)
                        .setLast(true)
                        .build(),
                "someone-elses-token-123"));
        for (AudioChunk c : victim.subList(2, victim.size())) {
            send(c);
        }
        List<SegmentRecord> out = out("victim");
        assertEquals(SegmentKind.END, out.get(out.size() - 1).getKind(), out.toString());
        assertTrue(out.stream().noneMatch(r -> r.getKind() == SegmentKind.FAIL));
        assertEquals(Collections.nCopies(5, ErrorCode.UPLOAD_TOKEN_MISMATCH), errorCodes("victim"));
        assertTrue(errors().stream().noneMatch(MixError::getFatal));
        assertTrue(errors().stream().noneMatch(e -> e.getMessage().contains("someone-elses")), "tokens never echoed");
        assertArrayEquals(a, stemZero("victim"), 0f);
        harness.setProcessingTime(SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    @Test
    void aRequestWithoutAnUploadTokenOrWithAHostileNameIsRefused() throws Exception {
        send(MixRequest.newBuilder(Fixtures.request("no-token", SR, 1))
                .setUploadToken(null)
                .build());
        send(MixRequest.newBuilder(Fixtures.request("short-token", SR, 1))
                .setUploadToken("abc")
                .build());
        MixRequest longName = Fixtures.request("long-name", SR, 1);
        longName.getStems().get(0).setName("n".repeat(300_000));
        send(longName);
        for (String id : List.of("no-token", "short-token", "long-name")) {
            assertEquals(List.of(ErrorCode.INVALID_REQUEST), errorCodes(id), id);
            SegmentRecord fail = out(id).get(0);
            assertEquals(SegmentKind.FAIL, fail.getKind());
        }
        assertTrue(errors().stream().allMatch(e -> e.getMessage().length() < 300), errors().toString());
        harness.setProcessingTime(SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    @Test
    void aMissingChunkTimesOutIntoAnErrorNotAHang() throws Exception {
        float[] a = Fixtures.stemAudio(4000, 1, SR, 4);
        List<AudioChunk> chunks = Fixtures.chunks("gap", 0, SR, 1, SampleEncoding.PCM_F32LE, a, 400);
        send(Fixtures.request("gap", SR, 1));
        for (AudioChunk c : chunks) {
            if (c.getSequence() != 3 && c.getSequence() <= 6) { // 4..6 wait within the reorder window
                send(c);
            }
        }
        assertEquals(
                List.of(SegmentKind.START, SegmentKind.AUDIO),
                out("gap").stream().map(SegmentRecord::getKind).collect(Collectors.toList()));
        harness.setProcessingTime(SETTINGS.chunkTimeoutMillis + 1);
        List<SegmentRecord> out = out("gap");
        SegmentRecord fail = out.get(out.size() - 1);
        assertEquals(SegmentKind.FAIL, fail.getKind());
        assertEquals(ErrorCode.MISSING_CHUNK, fail.getFailure().getCode());
        assertTrue(
                fail.getFailure().getMessage().contains("awaits chunk 3"),
                fail.getFailure().getMessage());
        assertEquals(List.of(ErrorCode.MISSING_CHUNK), errorCodes("gap"));
        assertTrue(errors().get(0).getFatal());
        // chunks still in flight for the failed mix are dropped quietly
        send(chunks.get(3));
        assertEquals(1, errors().size());
        harness.setProcessingTime(SETTINGS.chunkTimeoutMillis + SETTINGS.retentionMillis + 2);
        assertNothingLeft();
    }

    @Test
    void badRecordsOfOneMixAreTypedErrorsAndTheOtherMixCarriesOn() throws Exception {
        float[] good = Fixtures.stemAudio(2048, 2, SR, 5);
        float[] bad = Fixtures.stemAudio(4096, 1, SR, 6);
        send(Fixtures.request("good", SR, 2));
        send(Fixtures.request("bad", SR, 1));
        List<AudioChunk> badChunks = Fixtures.chunks("bad", 0, SR, 1, SampleEncoding.PCM_F32LE, bad, 512);
        List<AudioChunk> goodChunks = Fixtures.chunks("good", 0, SR, 2, SampleEncoding.PCM_S16LE, good, 512);

        send(goodChunks.get(0));
        send(badChunks.get(0));
        send(badChunks.get(0)); // duplicate: ignored
        AudioChunk wrongStem =
                AudioChunk.newBuilder(badChunks.get(1)).setStemIndex(7).build();
        send(wrongStem);
        AudioChunk corrupt = AudioChunk.newBuilder(badChunks.get(1))
                .setChecksum(badChunks.get(1).getChecksum() ^ 1)
                .build();
        send(corrupt);
        ByteBuffer odd = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6});
        send(AudioChunk.newBuilder(badChunks.get(1))
                .setData(odd)
                .setChecksum(Checksums.crc32c(odd))
                .build());
        send(badChunks.get(1)); // the genuine chunk 1 is still accepted
        send(goodChunks.get(1));
        float[] withNan = FloatBytes.toArray(badChunks.get(2).getData());
        withNan[17] = Float.NaN;
        ByteBuffer nan = FloatBytes.wrap(withNan);
        send(AudioChunk.newBuilder(badChunks.get(2))
                .setData(nan)
                .setChecksum(Checksums.crc32c(nan))
                .build());
        for (int i = 2; i < goodChunks.size(); i++) {
            send(goodChunks.get(i));
        }

        assertEquals(
                List.of(
                        ErrorCode.DUPLICATE_CHUNK,
                        ErrorCode.STEM_INDEX_OUT_OF_RANGE,
                        ErrorCode.CHECKSUM_MISMATCH,
                        ErrorCode.MALFORMED_CHUNK,
                        ErrorCode.NON_FINITE_SAMPLES),
                errorCodes("bad"));
        List<MixError> badErrors =
                errors().stream().filter(e -> "bad".equals(e.getMixId())).collect(Collectors.toList());
        assertFalse(badErrors.get(0).getFatal());
        assertTrue(badErrors.get(4).getFatal());
        assertEquals("audio.chunks", badErrors.get(1).getTopic());
        assertEquals(7, badErrors.get(1).getStemIndex());
        assertEquals(SegmentKind.FAIL, out("bad").get(out("bad").size() - 1).getKind());

        List<SegmentKind> goodKinds =
                out("good").stream().map(SegmentRecord::getKind).collect(Collectors.toList());
        assertEquals(List.of(SegmentKind.START, SegmentKind.AUDIO, SegmentKind.AUDIO, SegmentKind.END), goodKinds);
        assertTrue(errorCodes("good").isEmpty());

        harness.setProcessingTime(SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    @Test
    void formatMismatchesAndOverlongTracksEndTheMix() throws Exception {
        float[] a = Fixtures.stemAudio(2048, 2, SR, 7);
        send(Fixtures.request("rate", SR, 2));
        send(Fixtures.chunk("rate", 0, 0, 16000, 2, SampleEncoding.PCM_F32LE, a, 0, 512, false));
        send(Fixtures.request("chan", SR, 2));
        send(Fixtures.chunk("chan", 0, 0, SR, 1, SampleEncoding.PCM_F32LE, a, 0, 512, false));
        send(Fixtures.request("ahead", SR, 2));
        send(Fixtures.chunk("ahead", 0, 9, SR, 2, SampleEncoding.PCM_F32LE, a, 0, 512, false));
        send(Fixtures.request("long", SR, 1));
        float[] tooLong = new float[SR * 11];
        List<AudioChunk> longChunks = Fixtures.chunks("long", 0, SR, 1, SampleEncoding.PCM_S16LE, tooLong, 8000);
        for (AudioChunk c : longChunks) {
            send(c);
        }
        assertEquals(List.of(ErrorCode.SAMPLE_RATE_MISMATCH), errorCodes("rate"));
        assertEquals(List.of(ErrorCode.CHANNEL_MISMATCH), errorCodes("chan"));
        assertEquals(List.of(ErrorCode.OUT_OF_ORDER_CHUNK), errorCodes("ahead"));
        assertEquals(List.of(ErrorCode.TRACK_TOO_LONG), errorCodes("long"));
        for (String m : List.of("rate", "chan", "ahead", "long")) {
            List<SegmentRecord> out = out(m);
            assertEquals(SegmentKind.FAIL, out.get(out.size() - 1).getKind(), m);
        }
        harness.setProcessingTime(SETTINGS.retentionMillis + 1);
        assertNothingLeft();
    }

    @Test
    void rejectedRequestsFailBeforeStarting() throws Exception {
        send(Fixtures.request("many", SR, 1, 1, 1, 1, 1));
        send(Fixtures.request("rate", 4000, 1));
        send(Fixtures.request("model", SR, new int[] {1}, ModelSelections.version("nope")));
        send(Fixtures.request("same", SR, new int[] {1}, Fixtures.battle("m1", "m1")));
        send(Fixtures.request("ok-battle", SR, new int[] {1}, Fixtures.battle(null, "m2")));
        harness.setProcessingTime(SETTINGS.modelWaitMillis); // an unknown version is waited for, then refused
        assertEquals(List.of(ErrorCode.TOO_MANY_STEMS), errorCodes("many"));
        assertEquals(List.of(ErrorCode.INVALID_REQUEST), errorCodes("rate"));
        assertEquals(List.of(ErrorCode.UNKNOWN_MODEL_VERSION), errorCodes("model"));
        assertEquals(List.of(ErrorCode.INVALID_REQUEST), errorCodes("same"));
        for (String m : List.of("many", "rate", "model", "same")) {
            assertEquals(1, out(m).size());
            assertEquals(SegmentKind.FAIL, out(m).get(0).getKind());
            assertTrue(out(m).get(0).getRequestRejected());
        }
        SegmentRecord start = out("ok-battle").get(0);
        assertEquals(SegmentKind.START, start.getKind());
        assertEquals("m1", start.getModels().get(0).getModelVersion());
        assertEquals(Variant.A, start.getModels().get(0).getVariant());
        assertEquals("m2", start.getModels().get(1).getModelVersion());
        // a second request for a running mix is a duplicate, not a restart
        send(Fixtures.request("ok-battle", SR, 1));
        assertEquals(List.of(ErrorCode.DUPLICATE_REQUEST), errorCodes("ok-battle"));
    }

    @Test
    void chunksOfAMixThatNeverGetsARequestAreDroppedAfterTheTimeout() throws Exception {
        float[] a = Fixtures.stemAudio(1000, 1, SR, 8);
        for (AudioChunk c : Fixtures.chunks("ghost", 0, SR, 1, SampleEncoding.PCM_F32LE, a, 250)) {
            send(c);
        }
        assertTrue(harness.numKeyedStateEntries() > 0);
        harness.setProcessingTime(SETTINGS.unknownMixTimeoutMillis + 1);
        assertEquals(List.of(ErrorCode.UNKNOWN_MIX), errorCodes("ghost"));
        assertTrue(
                errors().get(0).getMessage().startsWith("4 chunk(s)"),
                errors().get(0).getMessage());
        assertNothingLeft();
    }

    @Test
    void anEmptyFinalChunkEndsAStem() throws Exception {
        float[] a = Fixtures.stemAudio(1500, 1, SR, 9);
        send(Fixtures.request("tail", SR, 1));
        send(Fixtures.chunk("tail", 0, 0, SR, 1, SampleEncoding.PCM_F32LE, a, 0, 1500, false));
        send(Fixtures.chunk("tail", 0, 1, SR, 1, SampleEncoding.PCM_F32LE, a, 0, 0, true));
        List<SegmentRecord> out = out("tail");
        assertEquals(SegmentKind.END, out.get(out.size() - 1).getKind());
        assertEquals(1500L, out.get(out.size() - 1).getTotalFrames());
    }

    /** Registry entries are passed down the chain, in order, for the inference operator. */
    @Test
    void registryEntriesTravelDownTheChain() throws Exception {
        List<SegmentRecord> reg = harness.extractOutputValues().stream()
                .filter(r -> r.getKind() == SegmentKind.REGISTRY)
                .collect(Collectors.toList());
        assertEquals(
                TestRegistry.standard(),
                reg.stream().map(SegmentRecord::getRegistry).collect(Collectors.toList()));
    }

    /** A champion request starts with the champion of its league; unknown leagues and retired versions are refused. */
    @Test
    void modelsAreCheckedAgainstTheRegistry() throws Exception {
        registry(TestRegistry.entry(TestRegistry.model("old", ModelStatus.RETIRED, 2)));
        registry(TestRegistry.entry(TestRegistry.model("future", ModelStatus.CANDIDATE, 9)));
        send(Fixtures.request("champ", SR, 1));
        send(Fixtures.request("retired", SR, new int[] {1}, ModelSelections.version("old")));
        send(Fixtures.request("newer", SR, new int[] {1}, ModelSelections.version("future")));
        send(Fixtures.request("self", SR, new int[] {1}, Fixtures.battle(null, "m1")));
        SegmentRecord start = out("champ").get(0);
        assertEquals(SegmentKind.START, start.getKind());
        assertEquals("m1", start.getModels().get(0).getModelVersion());
        assertTrue(start.getModels().get(0).getFollowsChampion());
        assertEquals("main", start.getModels().get(0).getLeague());
        assertEquals(List.of(ErrorCode.RETIRED_MODEL_VERSION), errorCodes("retired"));
        assertEquals(List.of(ErrorCode.UNSUPPORTED_MODEL_FORMAT), errorCodes("newer"));
        assertEquals(List.of(ErrorCode.INVALID_REQUEST), errorCodes("self"), "the champion is m1: no battle");
    }

    /**
     * The registry and the requests are read independently: a request naming a model the registry does not know
     * yet waits for it (holding its chunks), starts when it comes, and is refused when the wait is over.
     */
    @Test
    void aRequestWaitsBrieflyForItsModelToBeRegistered() throws Exception {
        float[] a = Fixtures.stemAudio(1500, 1, SR, 3);
        send(Fixtures.request("early", SR, new int[] {1}, ModelSelections.version("fresh")));
        for (AudioChunk c : Fixtures.chunks("early", 0, SR, 1, SampleEncoding.PCM_F32LE, a, 500)) {
            send(c);
        }
        assertEquals(List.of(), out("early"), "nothing starts before the model is known");
        harness.setProcessingTime(SETTINGS.modelRecheckMillis);
        assertEquals(List.of(), out("early"));
        registry(TestRegistry.entry(TestRegistry.model("fresh")));
        harness.setProcessingTime(2 * SETTINGS.modelRecheckMillis);
        List<SegmentRecord> out = out("early");
        assertEquals(SegmentKind.START, out.get(0).getKind());
        assertEquals("fresh", out.get(0).getModels().get(0).getModelVersion());
        assertEquals(SegmentKind.END, out.get(out.size() - 1).getKind(), "the chunks held meanwhile are all there");
        assertEquals(
                1500,
                out.stream()
                        .filter(r -> r.getKind() == SegmentKind.AUDIO)
                        .mapToInt(SegmentRecord::getFrames)
                        .sum());

        send(Fixtures.request("never", SR, new int[] {1}, ModelSelections.version("ghost")));
        send(Fixtures.request("nowhere", SR, new int[] {1}, ModelSelections.champion("jazz")));
        harness.setProcessingTime(2 * SETTINGS.modelRecheckMillis + SETTINGS.modelWaitMillis + 1);
        assertEquals(List.of(ErrorCode.UNKNOWN_MODEL_VERSION), errorCodes("never"));
        assertTrue(errors().stream().anyMatch(e -> e.getMessage().contains("waited")), errors().toString());
        // the refusal after the wait names the request record, as one at once does
        MixError waited = errors().stream()
                .filter(e -> "never".equals(e.getMixId()))
                .findFirst()
                .orElseThrow();
        assertEquals("mix.requests", waited.getTopic(), waited.toString());
        assertNotNull(waited.getOffset());
        assertEquals(List.of(ErrorCode.UNKNOWN_MODEL_VERSION), errorCodes("nowhere"));
        assertTrue(out("nowhere").get(0).getRequestRejected());
        harness.setProcessingTime(10 * SETTINGS.retentionMillis);
        assertNothingLeft();
    }
}
