package ai.aimix.operators.inference;

import ai.aimix.cache.CacheSettings;
import ai.aimix.cache.Caches;
import ai.aimix.cache.FeatureCache;
import ai.aimix.dsp.spectral.Decibels;
import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.SessionCache;
import ai.aimix.operators.records.Errors;
import ai.aimix.operators.records.FloatBytes;
import ai.aimix.operators.records.Segments;
import ai.aimix.operators.registry.RegistryState;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import ai.aimix.schema.internal.VariantModel;
import ai.aimix.schema.internal.VariantParams;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched ONNX inference across mixes. Audio segments (with their log-mel) from any mix wait in a queue and are
 * run as one batch per model version and frame count when {@code batchSegments} are waiting, when the oldest has
 * waited {@code maxDelayMillis}, before every checkpoint barrier, and at end of input: nothing buffered crosses a
 * checkpoint. Records leave in the order they came, so a mix's START, segments and END stay ordered. A battle
 * segment runs once per variant on the same spectrogram.
 *
 * <p>Models come from the registry: REGISTRY records (passed down the chain by the aligner) keep a view of it, held
 * as operator broadcast state. A variant with a fixed version runs that version; a champion-following variant runs
 * its league's champion as of the batch. When a new champion is published its session is loaded in the background
 * and the switch happens at the first batch after it is ready (a model that fails to load is never switched to):
 * sessions change between batches, never inside one. Every segment's parameters record the version that made them.
 */
public class BatchInferenceOperator extends AbstractStreamOperator<SegmentRecord>
        implements OneInputStreamOperator<SegmentRecord, SegmentRecord>, ProcessingTimeService.ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchInferenceOperator.class);

    public static final OutputTag<MixError> ERRORS =
            new OutputTag<>("inference-errors", TypeInformation.of(MixError.class));

    private final InferenceSettings settings;
    private final PredictorFactory predictors;
    private final CacheSettings cacheSettings;
    /** The feature cache this stage stores into (null when it is off). */
    private transient FeatureCache cache;

    private transient Counter cachedParams;

    private transient ArrayDeque<StreamRecord<SegmentRecord>> queue;
    private transient int waitingSegments;
    private transient boolean timerPending;
    private transient ParameterPredictor predictor;
    /** Mixes whose model failed; their later records are dropped until their END or FAIL passes. */
    private transient Set<String> failedMixes;

    private transient Histogram batchSizes;
    private transient Counter batches;
    private transient Counter rowsRun;
    private transient Counter championSwitches;
    private transient BroadcastState<String, RegistryEntry> registryState;
    private transient RegistryView registry;
    /** Per league, the champion this operator serves now. */
    private transient Map<String, String> serving;

    public BatchInferenceOperator(InferenceSettings settings, PredictorFactory predictors) {
        this(settings, predictors, CacheSettings.disabled());
    }

    /**
     * With the feature cache on, a variant whose parameters the cache lookup found for this segment is not run,
     * where the entry was made by the model this batch would run (version, format, file digest) on the same
     * execution provider; parameters computed here are stored.
     */
    public BatchInferenceOperator(InferenceSettings settings, PredictorFactory predictors, CacheSettings cache) {
        this.settings = settings;
        this.predictors = predictors;
        this.cacheSettings = cache;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        registryState = context.getOperatorStateStore().getBroadcastState(RegistryState.DESCRIPTOR);
        registry = RegistryState.view(registryState.entries());
    }

    @Override
    public void open() throws Exception {
        super.open();
        serving = new HashMap<>();
        queue = new ArrayDeque<>();
        failedMixes = new HashSet<>();
        predictor = predictors.create();
        batchSizes = getMetricGroup().histogram("batchSegments", new DescriptiveStatisticsHistogram(1000));
        batches = getMetricGroup().counter("batches");
        rowsRun = getMetricGroup().counter("stemRows");
        championSwitches = getMetricGroup().counter("championSwitches");
        cachedParams = getMetricGroup().counter("segmentParamsFromCache");
        cache = cacheSettings.enabled ? Caches.acquire(cacheSettings) : null;
        SessionCache sessions = SessionCache.shared();
        getMetricGroup().gauge("modelCacheHits", (Gauge<Long>) sessions::hits);
        getMetricGroup().gauge("modelCacheMisses", (Gauge<Long>) sessions::misses);
        getMetricGroup().gauge("modelCacheEvictions", (Gauge<Long>) sessions::evictions);
        getMetricGroup().gauge("modelCacheSessions", (Gauge<Integer>) sessions::openSessions);
        getMetricGroup().gauge("modelCacheBytes", (Gauge<Long>) sessions::openBytes);
        for (ChampionAlias a : registry.champions()) {
            registry.model(a.getModelId()).ifPresent(predictor::prepare);
        }
        getRuntimeContext()
                .registerUserCodeClassLoaderReleaseHookIfAbsent("aimix-onnx-sessions", SessionCache.shared()::closeAll);
    }

    private void onRegistry(RegistryEntry entry) throws Exception {
        registryState.put(RegistryView.key(entry), entry);
        registry.apply(entry);
        if (entry.getPayload() instanceof ChampionAlias) {
            ChampionAlias a = (ChampionAlias) entry.getPayload();
            registry.model(a.getModelId()).ifPresent(predictor::prepare);
            LOG.info("Registry: champion of league {} is now {}", a.getLeague(), a.getModelId());
        }
    }

    /** Loads a starting mix's models in the background, so its first batch does not wait for them. */
    private void prepareModels(List<VariantModel> models) {
        for (VariantModel vm : models) {
            ModelDescriptor d = vm.getFollowsChampion()
                    ? champion(vm.getLeague())
                    : registry.model(vm.getModelVersion()).orElse(null);
            if (d != null) {
                predictor.prepare(d);
            }
        }
    }

    /**
     * The model a variant runs in this batch: its fixed version, or its league's champion. A new champion is taken
     * once its session is loaded (until then the previous one serves), or straight away when nothing served yet.
     */
    private ModelDescriptor modelFor(VariantModel vm) {
        if (!vm.getFollowsChampion()) {
            return registry.model(vm.getModelVersion()).orElse(null);
        }
        return champion(vm.getLeague());
    }

    private ModelDescriptor champion(String league) {
        ModelDescriptor target = registry.champion(league)
                .flatMap(a -> registry.model(a.getModelId()))
                .orElse(null);
        String current = serving.get(league);
        if (target == null) {
            return current == null ? null : registry.model(current).orElse(null);
        }
        if (current == null || current.equals(target.getModelId())) {
            serving.put(league, target.getModelId());
            return target;
        }
        if (predictor.isReady(target)) {
            LOG.info("League {}: switching from model {} to {} at this batch", league, current, target.getModelId());
            serving.put(league, target.getModelId());
            championSwitches.inc();
            return target;
        }
        if (predictor.loadFailure(target) == null) {
            predictor.prepare(target); // still loading (or evicted meanwhile): keep the current one for now
        }
        ModelDescriptor previous = registry.model(current).orElse(null);
        return previous != null ? previous : target;
    }

    /** Records waiting for the next flush (for tests and metrics). */
    public int waiting() {
        return queue.size();
    }

    @Override
    public void processElement(StreamRecord<SegmentRecord> element) throws Exception {
        SegmentRecord r = element.getValue();
        if (r.getKind() == SegmentKind.REGISTRY) {
            onRegistry(r.getRegistry());
            return;
        }
        if (r.getKind() == SegmentKind.START) {
            prepareModels(r.getModels());
        }
        boolean audio = r.getKind() == SegmentKind.AUDIO;
        if (queue.isEmpty() && !audio) {
            pass(r, element);
            return;
        }
        queue.add(element.hasTimestamp() ? new StreamRecord<>(r, element.getTimestamp()) : new StreamRecord<>(r));
        if (audio) {
            waitingSegments++;
        }
        if (waitingSegments >= settings.batchSegments) {
            flush();
        } else if (waitingSegments > 0 && !timerPending) {
            timerPending = true;
            ProcessingTimeService time = getProcessingTimeService();
            time.registerTimer(time.getCurrentProcessingTime() + settings.maxDelayMillis, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timerPending = false;
        flush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (predictor != null) {
                predictor.close();
            }
        } finally {
            if (cache != null) {
                cache = null;
                Caches.release(cacheSettings);
            }
            super.close();
        }
    }

    private void pass(SegmentRecord r, StreamRecord<SegmentRecord> element) {
        if (r.getKind() == SegmentKind.END || r.getKind() == SegmentKind.FAIL) {
            if (failedMixes.remove(r.getMixId()) && r.getKind() == SegmentKind.END) {
                return; // the mix already ended with FAIL here
            }
        } else if (failedMixes.contains(r.getMixId())) {
            return;
        }
        output.collect(element);
    }

    /** Runs everything waiting and emits the queue in arrival order. */
    void flush() throws Exception {
        if (queue.isEmpty()) {
            return;
        }
        Map<SegmentRecord, Outcome> outcomes = waitingSegments > 0 ? infer() : Map.of();
        StreamRecord<SegmentRecord> element;
        while ((element = queue.poll()) != null) {
            SegmentRecord r = element.getValue();
            Outcome o = outcomes.get(r);
            if (o == null) {
                pass(r, element);
                continue;
            }
            if (failedMixes.contains(r.getMixId())) {
                continue;
            }
            if (o.failure != null) {
                failedMixes.add(r.getMixId());
                output.collect(ERRORS, new StreamRecord<>(o.failure));
                output.collect(new StreamRecord<>(Segments.fail(r.getMixId(), o.failure, false, null)));
                continue;
            }
            r.setParams(o.params);
            r.setInferenceNanos(o.nanos);
            r.setBatchSegments(o.batchSegments);
            output.collect(element);
        }
        waitingSegments = 0;
    }

    private Map<SegmentRecord, Outcome> infer() {
        // group the waiting segments by (model, frame count): one ORT run each; a model is resolved once per batch
        Map<String, List<Slot>> groups = new LinkedHashMap<>();
        Map<SegmentRecord, Outcome> outcomes = new IdentityHashMap<>();
        Map<String, ModelDescriptor> resolved = new HashMap<>();
        int segments = 0;
        for (StreamRecord<SegmentRecord> e : queue) {
            SegmentRecord r = e.getValue();
            if (r.getKind() != SegmentKind.AUDIO || failedMixes.contains(r.getMixId())) {
                continue;
            }
            segments++;
            Outcome o = new Outcome(r.getModels().size());
            outcomes.put(r, o);
            int frames = Math.max(MixNetArchitecture.MIN_FRAMES, r.getMelFrames());
            for (int v = 0; v < r.getModels().size(); v++) {
                VariantModel vm = r.getModels().get(v);
                String which = vm.getFollowsChampion() ? "champion/" + vm.getLeague() : "model/" + vm.getModelVersion();
                ModelDescriptor model = resolved.containsKey(which) ? resolved.get(which) : modelFor(vm);
                resolved.put(which, model);
                VariantParams fromCache = cached(r, v, model);
                if (fromCache != null) {
                    o.params.set(v, fromCache);
                    o.batchSegments = 1;
                    cachedParams.inc();
                    continue;
                }
                String key = (model == null ? "missing:" + which : model.getModelId()) + "/" + frames;
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new Slot(r, v, model, which));
            }
        }
        if (segments > 0) {
            batchSizes.update(segments);
            batches.inc();
        }
        for (List<Slot> group : groups.values()) {
            run(group, outcomes, segments);
        }
        return outcomes;
    }

    private void run(List<Slot> group, Map<SegmentRecord, Outcome> outcomes, int batchSegments) {
        SegmentRecord first = group.get(0).record;
        ModelDescriptor model = group.get(0).model;
        int frames = Math.max(MixNetArchitecture.MIN_FRAMES, first.getMelFrames());
        if (model == null) {
            fail(
                    group,
                    outcomes,
                    ErrorCode.UNKNOWN_MODEL_VERSION,
                    "the registry has no model for " + group.get(0).which);
            return;
        }
        String version = model.getModelId();
        int rows = 0;
        for (Slot s : group) {
            rows += s.record.getMel().size();
        }
        long t0 = System.nanoTime();
        try {
            MixNetBatch batch = new MixNetBatch(rows, frames);
            for (int g = 0; g < group.size(); g++) {
                SegmentRecord r = group.get(g).record;
                boolean described = r.getDescriptors().size() == r.getMel().size();
                for (int stem = 0; stem < r.getMel().size(); stem++) {
                    if (described) {
                        batch.add(
                                melRows(r, stem, frames),
                                FloatBytes.toArray(r.getDescriptors().get(stem)),
                                r.getRoles().get(stem),
                                g);
                    } else {
                        batch.add(melRows(r, stem, frames), r.getRoles().get(stem), g);
                    }
                }
            }
            float[] out = predictor.predict(model, batch);
            long nanos = System.nanoTime() - t0;
            rowsRun.inc(rows);
            String provider = predictor.provider(version);
            int row = 0;
            for (Slot s : group) {
                int stems = s.record.getMel().size();
                float[] values = new float[stems * ModelOutput.COUNT];
                System.arraycopy(out, row * ModelOutput.COUNT, values, 0, values.length);
                row += stems;
                VariantModel vm = s.record.getModels().get(s.variant);
                Outcome o = outcomes.get(s.record);
                int bad = firstNonFinite(values);
                if (bad >= 0) {
                    // clamping would let NaN through (and render NaN audio reported as COMPLETED): a typed failure
                    if (o.failure == null) {
                        o.failure = Errors.ofMix(
                                ErrorCode.MODEL_FAILURE,
                                true,
                                "model " + version + " predicted "
                                        + values[bad] + " for " + ModelOutput.values()[bad % ModelOutput.COUNT]
                                        + " of stem "
                                        + bad / ModelOutput.COUNT + " in segment " + s.record.getSegmentIndex(),
                                s.record.getMixId(),
                                getProcessingTimeService().getCurrentProcessingTime());
                    }
                    continue;
                }
                o.params.set(s.variant, new VariantParams(vm.getVariant(), version, FloatBytes.wrap(values), provider));
                store(s.record, model, provider, values);
                o.nanos += nanos * stems / rows;
                o.batchSegments = batchSegments;
            }
        } catch (Exception | UnsatisfiedLinkError e) {
            LOG.warn("Inference with model {} failed for {} segment(s): {}", version, group.size(), e.toString());
            boolean format = e instanceof UnsupportedModelFormatException
                    || e.getCause() instanceof UnsupportedModelFormatException;
            fail(
                    group,
                    outcomes,
                    format ? ErrorCode.UNSUPPORTED_MODEL_FORMAT : ErrorCode.MODEL_FAILURE,
                    "model " + version + " failed: " + e.getMessage());
        }
    }

    /**
     * The variant's parameters from the cache, when the lookup found an entry made by exactly this model on this
     * provider, and the segment has the descriptors the model would be given; else null (run it).
     */
    private VariantParams cached(SegmentRecord r, int variant, ModelDescriptor model) {
        if (cache == null
                || model == null
                || r.getCachedParams().size() != r.getModels().size()) {
            return null;
        }
        if (!predictor.isReady(model)) {
            return null; // until the session is loaded, the provider it runs on is not known
        }
        ParamsEntry e = ParamsEntry.decode(FloatBytes.bytes(r.getCachedParams().get(variant)));
        if (e == null
                || !described(r)
                || !e.modelId().equals(model.getModelId())
                || e.formatVersion() != model.getFormatVersion()
                || !e.modelSha256().equals(model.getSha256())
                || !e.provider().equals(runtime(model.getModelId()))
                || e.values().length != 4 * r.getMel().size() * ModelOutput.COUNT) {
            return null;
        }
        return new VariantParams(
                r.getModels().get(variant).getVariant(),
                model.getModelId(),
                ByteBuffer.wrap(e.values()),
                predictor.provider(model.getModelId()));
    }

    /** Stores a segment's computed parameters (fire and forget). */
    private void store(SegmentRecord r, ModelDescriptor model, String provider, float[] values) {
        if (cache == null
                || !described(r)
                || r.getFingerprints().size() != r.getMel().size()) {
            return;
        }
        ParamsEntry e = new ParamsEntry(
                model.getModelId(),
                model.getFormatVersion(),
                model.getSha256(),
                runtime(model.getModelId()),
                FloatBytes.bytes(FloatBytes.wrap(values)));
        cache.put(
                ParamsEntry.key(cacheSettings.context, model.getModelId(), r.getFingerprints(), r.getRoles()),
                e.encode());
    }

    /**
     * What ran a model, as far as its results' last bits go: the execution provider and the CPU architecture (a Redis
     * shared by TaskManagers of other kinds never hands one's parameters to another).
     */
    private String runtime(String modelId) {
        return predictor.provider(modelId) + "/" + System.getProperty("os.arch");
    }

    private static boolean described(SegmentRecord r) {
        return r.getDescriptors().size() == r.getMel().size();
    }

    private void fail(List<Slot> group, Map<SegmentRecord, Outcome> outcomes, ErrorCode code, String message) {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        for (Slot s : group) {
            Outcome o = outcomes.get(s.record);
            if (o.failure == null) {
                o.failure = Errors.ofMix(code, true, message, s.record.getMixId(), now);
            }
        }
    }

    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The stem's log-mel as band-major rows of {@code frames} values, padded with silence when shorter. */
    private static FloatBuffer melRows(SegmentRecord r, int stem, int frames) {
        FloatBuffer mel = FloatBytes.view(r.getMel().get(stem));
        int have = r.getMelFrames();
        if (have == frames) {
            return mel;
        }
        int bands = r.getMelBands();
        float[] padded = new float[bands * frames];
        Arrays.fill(padded, Decibels.FLOOR_DB);
        for (int b = 0; b < bands; b++) {
            for (int t = 0; t < have; t++) {
                padded[b * frames + t] = mel.get(b * have + t);
            }
        }
        return FloatBuffer.wrap(padded);
    }

    private static final class Slot {
        final SegmentRecord record;
        final int variant;
        final ModelDescriptor model;
        /** What the variant asked for (model/ID or champion/LEAGUE), for messages. */
        final String which;

        Slot(SegmentRecord record, int variant, ModelDescriptor model, String which) {
            this.record = record;
            this.variant = variant;
            this.model = model;
            this.which = which;
        }
    }

    private static final class Outcome {
        final List<VariantParams> params;
        long nanos;
        int batchSegments;
        MixError failure;

        Outcome(int variants) {
            params = new ArrayList<>(Collections.nCopies(variants, (VariantParams) null));
        }
    }
}
