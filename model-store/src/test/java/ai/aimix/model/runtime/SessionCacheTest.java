package ai.aimix.model.runtime;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class SessionCacheTest {

    @Test
    void oneSessionPerVersionClosedWithTheLastLease() throws Exception {
        SessionCache cache = new SessionCache();
        AtomicInteger loads = new AtomicInteger();
        ModelLoader loader = v -> {
            loads.incrementAndGet();
            return MixNetOnnx.build(MixNetWeights.neutral(v.hashCode()), v);
        };
        SessionSettings cpu = SessionSettings.cpu(1);
        SessionCache.Lease a1 = cache.acquire("a", cpu, loader);
        SessionCache.Lease a2 = cache.acquire("a", cpu, loader);
        SessionCache.Lease b = cache.acquire("b", cpu, loader);
        assertSame(a1.session(), a2.session());
        assertNotSame(a1.session(), b.session());
        assertEquals(2, loads.get());
        assertEquals(2, cache.openSessions());

        a1.close();
        a1.close(); // idempotent
        assertEquals(2, cache.openSessions());
        a2.close();
        assertEquals(1, cache.openSessions());
        b.close();
        assertEquals(0, cache.openSessions());

        try (SessionCache.Lease again = cache.acquire("a", cpu, loader)) {
            assertEquals(3, loads.get());
        }
        assertEquals(0, cache.openSessions());
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
