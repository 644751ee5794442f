package ai.aimix.operators.mel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.cache.CacheKey;
import ai.aimix.cache.CacheSettings;
import ai.aimix.cache.Caches;
import ai.aimix.cache.FeatureCache;
import ai.aimix.cache.Fingerprints;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The log-mel stage with the feature cache: a second mix of the same stems, its segments' log-mel found in the
 * cache (but for an evicted one, a corrupt one and one of another shape, which are computed), emits bit for bit
 * what the first computed, descriptors included, and its streams continue exactly after every hit.
 */
class LogMelCacheTest {
    private static final int SR = 22050;
    private static final int SEGMENT = 8192;
    private static final int FRAMES = 5 * SEGMENT + 1234;
    private final MelSettings mel = new MelSettings(2048, 512, 64, 2);
    private final CacheSettings cache = CacheSettings.defaults().withPrefix("test-" + UUID.randomUUID() + ":");
    private final float[] a = Fixtures.stemAudio(FRAMES, 2, SR, 1);
    private final float[] b = Fixtures.stemAudio(FRAMES, 1, SR, 2);

    @Test
    void aRemixOfCachedStemsEmitsWhatTheFirstMixComputed() throws Exception {
        FeatureCache shared = Caches.acquire(cache);
        try {
            List<SegmentRecord> first = run("m1", k -> Set.of(), shared);
            assertEquals(12, shared.stats().puts(), "six segments of two stems stored");

            List<SegmentRecord> second = run(
                    "m2",
                    // segment 2 evicted; stem 1 of segment 4 garbage; stem 0 of segment 3 of another shape
                    k -> k == 2 ? Set.of(0, 1) : k == 4 ? Set.of(1) : k == 3 ? Set.of(0) : Set.of(),
                    shared);
            assertEquals(first.size(), second.size());
            for (int i = 0; i < first.size(); i++) {
                SegmentRecord x = first.get(i);
                SegmentRecord y = second.get(i);
                assertEquals(x.getKind(), y.getKind());
                if (x.getKind() != SegmentKind.AUDIO) {
                    continue;
                }
                assertEquals(x.getMelFrames(), y.getMelFrames());
                for (int stem = 0; stem < 2; stem++) {
                    assertArrayEquals(
                            FloatBytes.bytes(x.getMel().get(stem)),
                            FloatBytes.bytes(y.getMel().get(stem)),
                            "log-mel of segment " + x.getSegmentIndex() + " stem " + stem);
                    assertArrayEquals(
                            FloatBytes.bytes(x.getDescriptors().get(stem)),
                            FloatBytes.bytes(y.getDescriptors().get(stem)),
                            "descriptors of segment " + x.getSegmentIndex() + " stem " + stem);
                }
            }
        } finally {
            Caches.release(cache);
        }
    }

    interface Misses {
        /** The stems of segment k whose entries the lookup does not deliver intact. */
        Set<Integer> of(int k);
    }

    private List<SegmentRecord> run(String mix, Misses misses, FeatureCache shared) throws Exception {
        MixRequest req = Fixtures.request(mix, SR, 2, 1);
        try (KeyedOneInputStreamOperatorTestHarness<String, SegmentRecord, SegmentRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new LogMelFunction(mel, cache)), new Keys.Segment(), Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(
                    Segments.base(SegmentKind.START, mix).setRequest(req).build()));
            byte[][] chain = {Fingerprints.START, Fingerprints.START};
            for (int k = 0; k * SEGMENT < FRAMES; k++) {
                int n = Math.min(SEGMENT, FRAMES - k * SEGMENT);
                boolean last = k * SEGMENT + n == FRAMES;
                List<ByteBuffer> audio =
                        List.of(FloatBytes.wrap(a, 2 * k * SEGMENT, 2 * n), FloatBytes.wrap(b, k * SEGMENT, n));
                List<ByteBuffer> fingerprints = new ArrayList<>();
                for (int stem = 0; stem < 2; stem++) {
                    chain[stem] =
                            Fingerprints.next(chain[stem], (long) k * SEGMENT, SR, 2 - stem, n, last, audio.get(stem));
                    fingerprints.add(ByteBuffer.wrap(chain[stem]));
                }
                // what the cache lookup would attach
                List<ByteBuffer> cached = new ArrayList<>();
                for (int stem = 0; stem < 2; stem++) {
                    CacheKey key = MelEntry.key(mel, fingerprints.get(stem));
                    Map<CacheKey, byte[]> found = shared.getAll(List.of(key)).join();
                    byte[] entry = found.getOrDefault(key, new byte[0]);
                    if (misses.of(k).contains(stem) && entry.length > 0) {
                        if (k == 4) {
                            entry = new byte[] {1, 2, 3};
                        } else if (k == 3) {
                            MelEntry e = MelEntry.decode(ByteBuffer.wrap(entry));
                            entry = new MelEntry(
                                            32,
                                            e.melFrames(),
                                            ByteBuffer.allocate(4 * 32 * e.melFrames()),
                                            e.descriptors(),
                                            e.stftState(),
                                            e.descriptorState())
                                    .encode();
                        } else {
                            entry = new byte[0];
                        }
                    }
                    cached.add(ByteBuffer.wrap(entry));
                }
                h.processElement(new StreamRecord<>(Segments.base(SegmentKind.AUDIO, mix)
                        .setSegmentIndex(k)
                        .setFrames(n)
                        .setLast(last)
                        .setAudio(audio)
                        .setRoles(List.of(0, 1))
                        .setFingerprints(fingerprints)
                        .setCachedMel(cached)
                        .build()));
            }
            h.processElement(
                    new StreamRecord<>(Segments.base(SegmentKind.END, mix).build()));
            assertEquals(0, h.numKeyedStateEntries());
            return h.extractOutputValues();
        }
    }
}
