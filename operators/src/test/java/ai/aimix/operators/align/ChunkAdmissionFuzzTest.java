package ai.aimix.operators.align;

import ai.aimix.operators.records.Keys;
import ai.aimix.operators.registry.RegistryState;
import ai.aimix.operators.testing.Fixtures;
import ai.aimix.operators.testing.TestRegistry;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.ModelSelections;
import ai.aimix.schema.codec.Pcm;
import ai.aimix.schema.internal.InboundRecord;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import ai.aimix.schema.testing.Fuzz;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the chunk admission rules (issue 14): a mix's request and chunks as any producer might send them,
 * through the segment aligner — indices, sequences, rates, channels, sizes, checksums, last flags, tokens and NaN
 * samples all drawn at random, the request before, among or after the chunks, or never, a second request, time
 * passing. Invariants: nothing throws; every refusal is a typed error with a short one-line message; a mix ends at
 * most once per request (one END or one FAIL); and once every timeout has passed, no state and no timer is left.
 */
@Tag("fuzz")
class ChunkAdmissionFuzzTest {
    static final int SR = 8000;
    static final AlignSettings SETTINGS =
            new AlignSettings(512, 3, 5, 20_000, 3, 1_000, 2_000, 64_000, 5_000, 8000, 48000, 600, 100, true);
    static final String TOKEN = Fixtures.token("m");

    /** One thing a producer (or someone else) does. */
    record Event(
            int kind,
            int stem,
            long sequence,
            int rate,
            int channels,
            int frames,
            boolean last,
            int corruption,
            long advanceMillis) {}

    static Event event(SplittableRandom r) {
        long sequence = r.nextInt(4) == 0 ? Fuzz.oneOf(r, 1L << 40, 1L << 41, Long.MAX_VALUE) : r.nextLong(-2, 13);
        return new Event(
                r.nextInt(10),
                r.nextInt(-2, 5),
                sequence,
                Fuzz.oneOf(r, SR, SR, SR, 44100, 0, -1),
                r.nextInt(4),
                r.nextInt(901),
                r.nextInt(4) == 0,
                r.nextInt(8),
                Fuzz.oneOf(r, 0L, 0L, 0L, 50L, 700L, 3_000L));
    }

    /** A producer: up to 40 events. */
    static List<Event> producer(SplittableRandom r) {
        List<Event> out = new ArrayList<>();
        int n = r.nextInt(41);
        for (int i = 0; i < n; i++) {
            out.add(event(r));
        }
        return out;
    }

    static AudioChunk chunk(Event e) {
        int channels = Math.max(e.channels(), 0);
        int samples = e.frames() * Math.max(channels, 1);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) Math.sin(i * 0.05) * 0.3f;
        }
        if (e.corruption() == 3 && samples > 0) {
            x[samples / 2] = Float.NaN;
        }
        SampleEncoding enc = e.corruption() == 4 ? SampleEncoding.PCM_S16LE : SampleEncoding.PCM_F32LE;
        ByteBuffer data = Pcm.encode(x, 0, samples, enc);
        if (e.corruption() == 5 && data.remaining() > 1) {
            data = ByteBuffer.wrap(Arrays.copyOf(data.array(), data.remaining() - 1)); // not whole frames
        }
        long crc = Checksums.crc32c(data) ^ (e.corruption() == 1 ? 1 : 0);
        String token = e.corruption() == 2 ? "someone-elses-token" : e.corruption() == 6 ? null : TOKEN;
        return new AudioChunk("m", e.stem(), e.sequence(), e.rate(), e.channels(), enc, data, e.last(), crc, token);
    }

    static MixRequest request(Event e) {
        int[] channels = new int[Math.max(1, Math.min(4, e.stem() + 2))];
        Arrays.fill(channels, Math.max(1, Math.min(2, e.channels())));
        MixRequest r = Fixtures.request(
                "m",
                e.rate() > 0 ? e.rate() : SR,
                channels,
                e.corruption() == 7 ? ModelSelections.version("not-in-the-registry") : ModelSelections.champion());
        if (e.corruption() == 2) {
            r.setUploadToken(null);
        }
        return r;
    }

    @Test
    void anyProducerIsAnsweredWithTypedErrorsAndLeavesNothingBehind() {
        Fuzz.check(
                "producers through the aligner",
                ChunkAdmissionFuzzTest::producer,
                ChunkAdmissionFuzzTest::answeredAndLeftNothing);
    }

    static void answeredAndLeftNothing(List<Event> events) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, InboundRecord, RegistryEntry, SegmentRecord> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new SegmentAligner(SETTINGS), List.of(RegistryState.DESCRIPTOR)),
                        new Keys.Inbound(),
                        r -> "",
                        Types.STRING);
        h.open();
        try {
            long now = 0;
            h.setProcessingTime(now);
            for (RegistryEntry e : TestRegistry.standard()) {
                h.processElement2(new StreamRecord<>(e));
            }
            for (Event e : events) {
                if (e.kind() == 0) {
                    h.processElement1(new StreamRecord<>(Fixtures.inbound(request(e))));
                } else {
                    h.processElement1(new StreamRecord<>(Fixtures.inbound(chunk(e))));
                }
                now += e.advanceMillis();
                h.setProcessingTime(now);
            }
            // every timeout passes: retention, chunk and unknown-mix timeouts, the model wait
            h.setProcessingTime(now
                    + 10
                            * (SETTINGS.retentionMillis
                                    + SETTINGS.chunkTimeoutMillis
                                    + SETTINGS.unknownMixTimeoutMillis
                                    + SETTINGS.modelWaitMillis));
            h.setProcessingTime(now + 100 * (SETTINGS.retentionMillis + SETTINGS.chunkTimeoutMillis));
            // a mix ends once: END or FAIL at most once per request (a request after the retention time, when the id
            // is forgotten, is a new mix)
            long ends = h.extractOutputValues().stream()
                    .filter(r -> r.getKind() == SegmentKind.END || r.getKind() == SegmentKind.FAIL)
                    .count();
            long requests = events.stream().filter(e -> e.kind() == 0).count();
            if (ends > requests) {
                throw new AssertionError("the mix ended " + ends + " times for " + requests + " request(s)");
            }
            if (h.getSideOutput(SegmentAligner.ERRORS) != null) {
                for (StreamRecord<MixError> r : h.getSideOutput(SegmentAligner.ERRORS)) {
                    MixError e = r.getValue();
                    if (e.getCode() == null
                            || e.getMessage() == null
                            || e.getMessage().length() > 600
                            || e.getMessage().contains("\n")) {
                        throw new AssertionError("untyped or unreadable error: " + e);
                    }
                }
            }
            if (h.numKeyedStateEntries() != 0 || h.numProcessingTimeTimers() != 0) {
                throw new AssertionError(h.numKeyedStateEntries() + " state entries and " + h.numProcessingTimeTimers()
                        + " timers left");
            }
        } finally {
            h.close();
        }
    }

    /** The payload checks themselves, on any chunk against a fixed request: a rejection or null, never an exception. */
    @Test
    void theChunkChecksJudgeAnyChunk() {
        MixRequest request = Fixtures.request("m", SR, 1, 2);
        Fuzz.check("chunk checks", r -> chunk(event(r)), c -> ChunkChecks.check(c, request, 2, SETTINGS.maxChunkBytes));
    }
}
