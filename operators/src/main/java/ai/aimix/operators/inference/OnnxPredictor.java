package ai.aimix.operators.inference;

import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.SessionCache;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Predicts with ONNX Runtime through the TaskManager-wide {@link SessionCache}: the first use of a version loads it
 * from the model store once for all operators of the TaskManager; a version this operator has not used for the
 * idle time is released (and closed when nobody else holds it). Versions are swapped between batches only.
 */
public final class OnnxPredictor implements ParameterPredictor {
    private final SessionCache cache;
    private final SessionSettings settings;
    private final ModelStore store;
    private final long idleMillis;
    private final Map<String, Held> leases = new HashMap<>();

    public OnnxPredictor(SessionCache cache, SessionSettings settings, ModelStore store, long idleMillis) {
        this.cache = cache;
        this.settings = settings;
        this.store = store;
        this.idleMillis = idleMillis;
    }

    /** The factory the job uses: the store at {@code storeRoot}, sessions with {@code settings}. */
    public static PredictorFactory factory(String storeRoot, SessionSettings settings, long idleMillis) {
        return new Factory(storeRoot, settings.device().name(), settings.cudaDeviceId(), settings.intraOpThreads(),
                idleMillis);
    }

    @Override
    public float[] predict(String version, MixNetBatch batch) throws Exception {
        long now = System.currentTimeMillis();
        Held held = leases.get(version);
        if (held == null) {
            held = new Held(cache.acquire(version, settings, store::load));
            leases.put(version, held);
        }
        held.lastUsed = now;
        float[] out = held.lease.session().predict(batch);
        releaseIdle(now);
        return out;
    }

    @Override
    public String provider(String version) {
        Held held = leases.get(version);
        return held == null ? settings.device().name() : held.lease.session().provider().name();
    }

    private void releaseIdle(long now) {
        for (Iterator<Map.Entry<String, Held>> it = leases.entrySet().iterator(); it.hasNext(); ) {
            Held h = it.next().getValue();
            if (now - h.lastUsed > idleMillis) {
                h.lease.close();
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        for (Held h : leases.values()) {
            h.lease.close();
        }
        leases.clear();
    }

    private static final class Held {
        final SessionCache.Lease lease;
        long lastUsed;

        Held(SessionCache.Lease lease) {
            this.lease = lease;
        }
    }

    private static final class Factory implements PredictorFactory {
        private static final long serialVersionUID = 1L;
        private final String storeRoot;
        private final String device;
        private final int cudaDeviceId;
        private final int threads;
        private final long idleMillis;

        Factory(String storeRoot, String device, int cudaDeviceId, int threads, long idleMillis) {
            this.storeRoot = storeRoot;
            this.device = device;
            this.cudaDeviceId = cudaDeviceId;
            this.threads = threads;
            this.idleMillis = idleMillis;
        }

        @Override
        public ParameterPredictor create() {
            SessionSettings s = new SessionSettings(ai.aimix.model.runtime.InferenceDevice.valueOf(device),
                    cudaDeviceId, threads);
            return new OnnxPredictor(SessionCache.shared(), s, new ModelStore(Path.of(storeRoot)), idleMillis);
        }
    }
}
