package ai.aimix.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionCacheTest {
    static final SessionSettings CPU = SessionSettings.cpu(1);

    static ModelLoader counting(AtomicInteger loads) {
        return v -> {
            loads.incrementAndGet();
            return MixNetOnnx.build(MixNetWeights.neutral(v.hashCode()), v);
        };
    }

    @Test
    void oneSessionPerVersionKeptAfterUse() throws Exception {
        SessionCache cache = new SessionCache(4, 1L << 30);
        AtomicInteger loads = new AtomicInteger();
        ModelLoader loader = counting(loads);
        SessionCache.Lease a1 = cache.acquire("a", CPU, loader);
        SessionCache.Lease a2 = cache.acquire("a", CPU, loader);
        SessionCache.Lease b = cache.acquire("b", CPU, loader);
        assertSame(a1.session(), a2.session());
        assertNotSame(a1.session(), b.session());
        assertEquals(2, loads.get());
        a1.close();
        a1.close(); // idempotent
        a2.close();
        b.close();
        assertEquals(2, cache.openSessions(), "released sessions stay cached");
        try (SessionCache.Lease again = cache.acquire("a", CPU, loader)) {
            assertEquals(2, loads.get(), "a hit: no new load");
        }
        assertEquals(2, cache.misses());
        assertEquals(2, cache.hits());
        assertEquals(0, cache.evictions());
    }

    /** Least recently used goes first, by count and by bytes; a session in use is never evicted. */
    @Test
    void evictsLeastRecentlyUsedWithinBounds() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        ModelLoader loader = counting(loads);
        long oneModel = MixNetOnnx.build(MixNetWeights.neutral(1), "x").length;
        SessionCache cache = new SessionCache(2, 1L << 30);
        cache.acquire("a", CPU, loader).close();
        cache.acquire("b", CPU, loader).close();
        cache.acquire("a", CPU, loader).close(); // a is now more recent than b
        cache.acquire("c", CPU, loader).close(); // evicts b
        assertTrue(cache.isCached("a", CPU));
        assertFalse(cache.isCached("b", CPU));
        assertTrue(cache.isCached("c", CPU));
        assertEquals(1, cache.evictions());

        // by bytes: room for two models
        cache.limit(10, 2 * oneModel + oneModel / 2);
        try (SessionCache.Lease held = cache.acquire("d", CPU, loader)) {
            // a and c are older than d, but d is held: a goes (least recent), c stays (two fit)
            assertFalse(cache.isCached("a", CPU));
            assertTrue(cache.isCached("c", CPU) && cache.isCached("d", CPU));
            cache.limit(1, 1L << 30);
            assertTrue(cache.isCached("d", CPU), "a held session survives a tighter bound");
            assertFalse(cache.isCached("c", CPU));
            assertTrue(held.session().version().equals("d"));
        }
        assertEquals(1, cache.openSessions());
        assertEquals(oneModel, cache.openBytes(), 100);
    }

    @Test
    void aFailedLoadIsNotCached() throws Exception {
        SessionCache cache = new SessionCache(4, 1L << 30);
        AtomicInteger calls = new AtomicInteger();
        ModelLoader broken = v -> {
            calls.incrementAndGet();
            throw new IOException("store unreachable");
        };
        assertThrows(IOException.class, () -> cache.acquire("a", CPU, broken));
        assertEquals(0, cache.openSessions());
        assertThrows(IOException.class, () -> cache.acquire("a", CPU, broken));
        assertEquals(2, calls.get(), "retried, not remembered as failed");
    }

    @Test
    void cudaRequestFallsBackToCpuWhenCudaCannotLoad() throws Exception {
        byte[] onnx = MixNetOnnx.build(MixNetWeights.neutral(3), "x");
        try (MixNetSession s = MixNetSession.open("x", onnx, new SessionSettings(InferenceDevice.CUDA, 0, 1))) {
            // the CPU artifact has no CUDA provider; with onnxruntime_gpu on a GPU machine this reads CUDA
            if (!Boolean.getBoolean("aimix.expect.cuda")) {
                assertEquals(InferenceDevice.CPU, s.provider());
            } else {
                assertEquals(InferenceDevice.CUDA, s.provider());
            }
        }
    }
}
