package ai.aimix.operators.cache;

import ai.aimix.cache.CacheKey;
import ai.aimix.cache.CacheSettings;
import ai.aimix.cache.Caches;
import ai.aimix.cache.FeatureCache;
import ai.aimix.operators.inference.ParamsEntry;
import ai.aimix.operators.mel.MelEntry;
import ai.aimix.operators.mel.MelSettings;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import ai.aimix.schema.internal.VariantModel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Looks an audio segment up in the feature cache (Flink Async I/O, ordered): each stem's log-mel by its
 * fingerprint, and each variant's parameters by the model the aligner resolved and the segment's fingerprints. What
 * is found rides on a copy of the record ({@code cachedMel}, {@code cachedParams}) to the log-mel and inference
 * stages, which use it only where it is what they would compute themselves. Other records, every segment when the
 * lookup fails or times out, and everything when the cache is off pass as they came: the cache can make a mix
 * cheaper, never fail or change it. The operator is in the job whether the cache is on or not, so turning it on or
 * off keeps the job graph (and a savepoint's operators) the same.
 */
public class CacheLookup extends RichAsyncFunction<SegmentRecord, SegmentRecord> {
    private static final long serialVersionUID = 1L;
    private static final ByteBuffer MISS = ByteBuffer.wrap(new byte[0]);

    private final CacheSettings settings;
    private final MelSettings mel;
    private transient FeatureCache cache;
    /** Lookups in flight: whichever of the answer and Flink's timeout comes first completes the record. */
    private transient Map<ResultFuture<SegmentRecord>, AtomicBoolean> inFlight;

    private transient Counter melHits;
    private transient Counter melMisses;
    private transient Counter paramsHits;
    private transient Counter paramsMisses;
    private transient Counter timeouts;

    public CacheLookup(CacheSettings settings, MelSettings mel) {
        this.settings = settings;
        this.mel = mel;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        inFlight = Collections.synchronizedMap(new IdentityHashMap<>());
        MetricGroup m = getRuntimeContext().getMetricGroup();
        // counted on the cache client's threads as well as the task's
        melHits = m.counter("cacheMelHits", new ThreadSafeSimpleCounter());
        melMisses = m.counter("cacheMelMisses", new ThreadSafeSimpleCounter());
        paramsHits = m.counter("cacheParamsHits", new ThreadSafeSimpleCounter());
        paramsMisses = m.counter("cacheParamsMisses", new ThreadSafeSimpleCounter());
        timeouts = m.counter("cacheTimeouts", new ThreadSafeSimpleCounter());
        if (!settings.enabled) {
            return;
        }
        FeatureCache shared = Caches.acquire(settings);
        cache = shared;
        m.gauge("cacheCorrupt", (Gauge<Long>) () -> shared.stats().corrupt());
        m.gauge("cacheErrors", (Gauge<Long>) () -> shared.stats().errors());
        m.gauge("cacheEvictions", (Gauge<Long>) () -> shared.stats().evictions());
        m.gauge("cacheBytes", (Gauge<Long>) () -> shared.stats().bytes());
    }

    @Override
    public void close() throws Exception {
        if (cache != null) {
            cache = null;
            Caches.release(settings);
        }
        super.close();
    }

    @Override
    public void asyncInvoke(SegmentRecord rec, ResultFuture<SegmentRecord> result) {
        FeatureCache c = cache;
        if (c == null
                || rec.getKind() != SegmentKind.AUDIO
                || rec.getFingerprints().isEmpty()) {
            result.complete(List.of(rec));
            return;
        }
        List<CacheKey> melKeys = new ArrayList<>(rec.getFingerprints().size());
        for (ByteBuffer fp : rec.getFingerprints()) {
            melKeys.add(MelEntry.key(mel, fp));
        }
        List<CacheKey> paramKeys = new ArrayList<>(rec.getModels().size());
        for (VariantModel vm : rec.getModels()) {
            paramKeys.add(
                    vm.getModelVersion() == null
                            ? null
                            : ParamsEntry.key(
                                    settings.context, vm.getModelVersion(), rec.getFingerprints(), rec.getRoles()));
        }
        List<CacheKey> all = new ArrayList<>(melKeys);
        for (CacheKey k : paramKeys) {
            if (k != null) {
                all.add(k);
            }
        }
        AtomicBoolean done = new AtomicBoolean();
        inFlight.put(result, done);
        c.getAll(all).whenComplete((found, error) -> {
            if (!done.compareAndSet(false, true)) {
                return; // timed out meanwhile: the record has gone on without
            }
            inFlight.remove(result);
            Map<CacheKey, byte[]> hits = error == null ? found : Map.of();
            // a copy: the record itself stays as it came (the operator may be writing it into a checkpoint)
            SegmentRecord answered = shallowCopy(rec);
            answered.setCachedMel(answers(melKeys, hits, melHits, melMisses));
            answered.setCachedParams(answers(paramKeys, hits, paramsHits, paramsMisses));
            result.complete(List.of(answered));
        });
    }

    /** A new record with the same field values (the audio is shared, not copied). */
    static SegmentRecord shallowCopy(SegmentRecord rec) {
        SegmentRecord copy = new SegmentRecord();
        for (int i = 0; i < SegmentRecord.getClassSchema().getFields().size(); i++) {
            copy.put(i, rec.get(i));
        }
        return copy;
    }

    private static List<ByteBuffer> answers(
            List<CacheKey> keys, Map<CacheKey, byte[]> hits, Counter hit, Counter miss) {
        List<ByteBuffer> out = new ArrayList<>(keys.size());
        for (CacheKey k : keys) {
            byte[] v = k == null ? null : hits.get(k);
            if (v == null) {
                miss.inc();
                out.add(MISS);
            } else {
                hit.inc();
                out.add(ByteBuffer.wrap(v));
            }
        }
        return out;
    }

    @Override
    public void timeout(SegmentRecord rec, ResultFuture<SegmentRecord> result) {
        AtomicBoolean done = inFlight.remove(result);
        if (done != null && done.compareAndSet(false, true)) {
            timeouts.inc();
            result.complete(List.of(rec));
        }
    }
}
