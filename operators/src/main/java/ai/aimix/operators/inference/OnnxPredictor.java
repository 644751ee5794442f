package ai.aimix.operators.inference;

import ai.aimix.model.runtime.InferenceDevice;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.SessionCache;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predicts with ONNX Runtime through the TaskManager-wide {@link SessionCache}: a model's bytes are loaded from the
 * configured model store (its own file for the model id, bounded by the declared size and checked against the
 * descriptor's SHA-256; never a path the descriptor names) once per TaskManager, kept while the cache's bounds allow,
 * and shared by all operators. {@link #prepare} loads on a background thread, so a newly published champion is ready
 * before the first batch that uses it.
 */
public final class OnnxPredictor implements ParameterPredictor {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxPredictor.class);

    private final SessionCache cache;
    private final SessionSettings settings;
    private final ModelStore store;
    private final ExecutorService loader;
    private final Map<String, Boolean> loading = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, String> providers = new ConcurrentHashMap<>();

    public OnnxPredictor(SessionCache cache, SessionSettings settings, ModelStore store) {
        this.cache = cache;
        this.settings = settings;
        this.store = store;
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "aimix-model-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The factory the job uses: sessions with {@code settings}, the shared cache bounded as given, models read from the
     * store at {@code storeRoot}, each of at most {@code maxModelBytes}.
     */
    public static PredictorFactory factory(
            SessionSettings settings, int maxSessions, long maxBytes, String storeRoot, long maxModelBytes) {
        return new Factory(
                settings.device().name(),
                settings.cudaDeviceId(),
                settings.intraOpThreads(),
                maxSessions,
                maxBytes,
                storeRoot,
                maxModelBytes);
    }

    @Override
    public float[] predict(ModelDescriptor model, MixNetBatch batch) throws Exception {
        try (SessionCache.Lease lease = cache.acquire(model.getModelId(), settings, id -> store.load(model))) {
            providers.put(model.getModelId(), lease.session().provider().name());
            return lease.session().predict(batch);
        }
    }

    @Override
    public void prepare(ModelDescriptor model) {
        String id = model.getModelId();
        if (cache.isCached(id, settings) || loading.putIfAbsent(id, Boolean.TRUE) != null) {
            return;
        }
        failures.remove(id);
        loader.execute(() -> {
            try (SessionCache.Lease lease = cache.acquire(id, settings, v -> store.load(model))) {
                providers.put(id, lease.session().provider().name());
            } catch (Exception | LinkageError e) {
                failures.put(id, e.getMessage() == null ? e.toString() : e.getMessage());
                LOG.error(
                        "Model {} failed to load in the background; it will not be switched to: {}", id, e.toString());
            } finally {
                loading.remove(id);
            }
        });
    }

    @Override
    public boolean isReady(ModelDescriptor model) {
        return cache.isCached(model.getModelId(), settings);
    }

    @Override
    public String loadFailure(ModelDescriptor model) {
        return failures.get(model.getModelId());
    }

    @Override
    public String provider(String modelId) {
        return providers.getOrDefault(modelId, settings.device().name());
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }

    private static final class Factory implements PredictorFactory {
        private static final long serialVersionUID = 3L;
        private final String device;
        private final int cudaDeviceId;
        private final int threads;
        private final int maxSessions;
        private final long maxBytes;
        private final String storeRoot;
        private final long maxModelBytes;

        Factory(
                String device,
                int cudaDeviceId,
                int threads,
                int maxSessions,
                long maxBytes,
                String storeRoot,
                long maxModelBytes) {
            this.device = device;
            this.cudaDeviceId = cudaDeviceId;
            this.threads = threads;
            this.maxSessions = maxSessions;
            this.maxBytes = maxBytes;
            this.storeRoot = storeRoot;
            this.maxModelBytes = maxModelBytes;
        }

        @Override
        public ParameterPredictor create() {
            SessionCache cache = SessionCache.shared();
            cache.limit(maxSessions, maxBytes);
            return new OnnxPredictor(
                    cache,
                    // the log-mel stage measures each stem's descriptors: models that take them are served
                    new SessionSettings(InferenceDevice.valueOf(device), cudaDeviceId, threads).withDescriptors(),
                    new ModelStore(storeRoot, Clock.systemUTC(), maxModelBytes));
        }
    }
}
