package ai.aimix.operators.assembly;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.MixRenderer;
import ai.aimix.dsp.mix.ParallelRunner;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.model.ModelOutput;
import ai.aimix.operators.StemParallelism;
import ai.aimix.operators.records.FloatBytes;
import ai.aimix.operators.records.MixLog;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ParameterOverride;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StageTimings;
import ai.aimix.schema.StemParameters;
import ai.aimix.schema.StemResult;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;
import ai.aimix.schema.internal.AssemblyState;
import ai.aimix.schema.internal.OutboundRecord;
import ai.aimix.schema.internal.SegmentRecord;
import ai.aimix.schema.internal.VariantModel;
import ai.aimix.schema.internal.VariantParams;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Mix assembly, keyed by mix id: renders each audio segment with the parameters the model predicted (and the
 * request's overrides) through a {@link MixRenderer} per variant, whose filter, envelope, meter and limiter state
 * is kept in keyed state between segments. Emits mixed chunks and progress after every segment and the result at
 * the end; clears its state when the mix completes or fails.
 *
 * <p>The number of mixes in flight here (started, not yet ended) is operator state, so the mixesInFlight gauge
 * survives a restart; after rescaling a subtask's share may be off, the sum over subtasks is exact.
 */
public class MixAssemblyFunction extends KeyedProcessFunction<String, SegmentRecord, OutboundRecord>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MixAssemblyFunction.class);
    /** Samples the segment histograms keep (their quantiles are over these). */
    private static final int HISTOGRAM_WINDOW = 1000;

    private final AssemblySettings settings;

    private transient ValueState<AssemblyState> state;
    /** Renderers of mixes in progress on this instance; valid while their segment count matches the state. */
    private transient Map<String, MixRenderer> renderers;

    private transient ParallelRunner runner;
    private transient Counter dropped;
    private transient Counter mixesStarted;
    private transient Counter mixesCompleted;
    private transient Counter mixesFailed;
    /** Mixed PCM bytes written to the output topic. */
    private transient Counter bytesOut;
    /** Mixes started and not yet ended on this subtask; read by the metrics thread. */
    private transient volatile long inFlight;

    private transient ListState<Long> inFlightState;
    /** Segments of the mixes that ended failed, by error code (label errorCode). */
    private transient Map<ErrorCode, Counter> failedByCode;
    /** From the first chunk of a segment taken in to the mixed segment emitted (processing time, ms). */
    private transient Histogram segmentLatency;
    /** From the aligner emitting a segment (all its chunks in) to the mixed segment emitted (ms). */
    private transient Histogram segmentProcessing;
    /** Per segment: log-mel, inference and assembly time (ms). */
    private transient Histogram segmentMel;

    private transient Histogram segmentInference;
    private transient Histogram segmentAssembly;

    public MixAssemblyFunction(AssemblySettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("assembly", AssemblyState.class));
        renderers = new HashMap<>();
        runner = StemParallelism.runner(settings.threads);
        dropped = getRuntimeContext().getMetricGroup().counter("segmentsOfEndedMixes");
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        mixesStarted = metrics.counter("mixesStarted");
        mixesCompleted = metrics.counter("mixesCompleted");
        mixesFailed = metrics.counter("mixesFailed");
        bytesOut = metrics.counter("audioBytesOut");
        metrics.gauge("mixesInFlight", (Gauge<Long>) () -> inFlight);
        segmentLatency =
                metrics.histogram("segmentLatencyMillis", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        segmentProcessing =
                metrics.histogram("segmentProcessingMillis", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        segmentMel = metrics.histogram("segmentMelMillis", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        segmentInference =
                metrics.histogram("segmentInferenceMillis", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        segmentAssembly =
                metrics.histogram("segmentAssemblyMillis", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        failedByCode = new EnumMap<>(ErrorCode.class);
        getRuntimeContext()
                .registerUserCodeClassLoaderReleaseHookIfAbsent("aimix-stem-workers", StemParallelism::shutdown);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        inFlightState =
                context.getOperatorStateStore().getListState(new ListStateDescriptor<>("mixesInFlight", Types.LONG));
        long n = 0;
        for (Long v : inFlightState.get()) {
            n += v;
        }
        inFlight = n;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        inFlightState.update(List.of(inFlight));
    }

    /** Mixes started and not yet ended on this subtask (the mixesInFlight gauge). */
    long mixesInFlight() {
        return inFlight;
    }

    @Override
    public void processElement(SegmentRecord rec, Context ctx, Collector<OutboundRecord> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        switch (rec.getKind()) {
            case START:
                start(rec);
                return;
            case AUDIO: {
                AssemblyState st = state.value();
                if (st == null) {
                    dropped.inc();
                    return;
                }
                long t0 = System.nanoTime();
                audio(st, rec, out, now);
                recordSegmentTimes(rec, System.nanoTime() - t0, now);
                return;
            }
            case END: {
                AssemblyState st = state.value();
                if (st == null) {
                    dropped.inc();
                    return;
                }
                end(st, rec, out, now);
                return;
            }
            default:
                fail(rec, out, now);
        }
    }

    private void start(SegmentRecord rec) throws Exception {
        MixRequest req = rec.getRequest();
        if (state.value() == null) {
            mixesStarted.inc();
            inFlight++;
        }
        int variants = rec.getModels().size();
        List<ByteBuffer> renderState = new ArrayList<>();
        List<Long> zeros = new ArrayList<>();
        List<ByteBuffer> empty = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        List<List<String>> segmentModels = new ArrayList<>();
        MixRenderer fresh = newRenderer(req);
        for (int v = 0; v < variants; v++) {
            renderState.add(ByteBuffer.wrap(fresh.save()));
            zeros.add(0L);
            empty.add(ByteBuffer.allocate(0));
            providers.add("");
            segmentModels.add(new ArrayList<>());
        }
        state.update(AssemblyState.newBuilder()
                .setRequest(req)
                .setModels(rec.getModels())
                .setFirstSeenMillis(rec.getFirstSeenMillis())
                .setSegmentsDone(0)
                .setFramesDone(0L)
                .setTotalFrames(rec.getTotalFrames())
                .setRenderers(renderState)
                .setOutputSequence(new ArrayList<>(zeros))
                .setOutputFrames(new ArrayList<>(zeros))
                .setAutomation(empty)
                .setMasterGains(new ArrayList<>(empty))
                .setAlignNanos(rec.getAlignNanos())
                .setMelNanos(0L)
                .setInferenceNanos(0L)
                .setAssemblyNanos(0L)
                .setBatchSegments(new ArrayList<>())
                .setProviders(providers)
                .setSegmentModels(segmentModels)
                .build());
        for (int v = 0; v < variants; v++) {
            renderers.remove(key(req.getMixId(), v));
        }
    }

    private MixRenderer newRenderer(MixRequest req) {
        RenderSettings rs = settings.forRequest(req.getSampleRate(), req.getTargetLufs(), req.getCeilingDbfs());
        int[] channels = new int[req.getStems().size()];
        for (StemSpec s : req.getStems()) {
            channels[s.getIndex()] = s.getChannels();
        }
        return new MixRenderer(rs, channels);
    }

    private MixRenderer renderer(AssemblyState st, int variant) {
        String k = key(st.getRequest().getMixId(), variant);
        MixRenderer r = renderers.get(k);
        if (r == null || r.segments() != st.getSegmentsDone()) {
            r = newRenderer(st.getRequest());
            r.load(FloatBytes.bytes(st.getRenderers().get(variant)));
            renderers.put(k, r);
        }
        return r;
    }

    private void audio(AssemblyState st, SegmentRecord rec, Collector<OutboundRecord> out, long now) throws Exception {
        long t0 = System.nanoTime();
        MixRequest req = st.getRequest();
        int stems = req.getStems().size();
        int frames = rec.getFrames();
        float[][] audio = new float[stems][];
        for (int i = 0; i < stems; i++) {
            audio[i] = FloatBytes.toArray(rec.getAudio().get(i));
        }
        int variants = st.getModels().size();
        // a battle's two variants run side by side with their stems in sequence; a single mix spreads its stems.
        // Never both: the pool must not wait on itself.
        boolean variantsInParallel = variants > 1 && settings.threads > 1;
        ParallelRunner stemRunner = variantsInParallel ? ParallelRunner.SEQUENTIAL : runner;
        List<Callable<float[]>> renders = new ArrayList<>(variants);
        float[][][] params = new float[variants][][];
        for (int v = 0; v < variants; v++) {
            params[v] = parameters(req, rec.getParams().get(v));
            final int variant = v;
            final MixRenderer r = renderer(st, v);
            renders.add(() -> r.renderSegment(audio, 0, frames, params[variant], stemRunner));
        }
        List<float[]> mixed = StemParallelism.run(renders, variantsInParallel ? settings.threads : 1);
        for (int v = 0; v < variants; v++) {
            MixRenderer r = renderers.get(key(req.getMixId(), v));
            st.getSegmentModels().get(v).add(rec.getParams().get(v).getModelVersion());
            emitChunk(st, v, mixed.get(v), false, out);
            st.getRenderers().set(v, ByteBuffer.wrap(r.save()));
            st.getAutomation().set(v, append(st.getAutomation().get(v), flatten(params[v])));
            st.getMasterGains().set(v, append(st.getMasterGains().get(v), new float[] {(float) r.masterGainDb()}));
            st.getProviders().set(v, rec.getParams().get(v).getProvider());
        }
        st.setSegmentsDone(st.getSegmentsDone() + 1);
        st.setFramesDone(st.getFramesDone() + frames);
        if (rec.getTotalFrames() != null) {
            st.setTotalFrames(rec.getTotalFrames());
        }
        st.setAlignNanos(st.getAlignNanos() + rec.getAlignNanos());
        st.setMelNanos(st.getMelNanos() + rec.getMelNanos());
        st.setInferenceNanos(st.getInferenceNanos() + rec.getInferenceNanos());
        st.getBatchSegments().add(rec.getBatchSegments());
        st.setAssemblyNanos(st.getAssemblyNanos() + (System.nanoTime() - t0));
        state.update(st);
        out.collect(new OutboundRecord(progress(st, rec, now)));
    }

    /** Model outputs with the request's overrides applied, clamped to their ranges: [stem][parameter]. */
    static float[][] parameters(MixRequest req, VariantParams predicted) {
        int stems = req.getStems().size();
        float[] values = FloatBytes.toArray(predicted.getValues());
        float[][] p = new float[stems][MixParams.COUNT];
        for (int i = 0; i < stems; i++) {
            for (ModelOutput o : ModelOutput.values()) {
                p[i][o.ordinal()] = o.clamp(values[i * ModelOutput.COUNT + o.ordinal()]);
            }
        }
        for (ParameterOverride o : req.getOverrides()) {
            ModelOutput which = ModelOutput.values()[o.getParameter().ordinal()];
            p[o.getStemIndex()][which.ordinal()] = which.clamp(o.getValue());
        }
        return p;
    }

    private void emitChunk(
            AssemblyState st, int variant, float[] interleaved, boolean last, Collector<OutboundRecord> out) {
        int frames = interleaved.length / 2;
        if (frames == 0 && !last) {
            return;
        }
        MixRequest req = st.getRequest();
        SampleEncoding enc = req.getOutputEncoding();
        ByteBuffer data = Pcm.encode(interleaved, 0, interleaved.length, enc);
        bytesOut.inc(data.remaining());
        long seq = st.getOutputSequence().get(variant);
        long start = st.getOutputFrames().get(variant);
        VariantModel vm = st.getModels().get(variant);
        out.collect(new OutboundRecord(MixOutputChunk.newBuilder()
                .setMixId(req.getMixId())
                .setVariant(vm.getVariant())
                .setModelVersion(latestModel(st, variant))
                .setSequence(seq)
                .setStartFrame(start)
                .setSampleRate(req.getSampleRate())
                .setChannels(2)
                .setEncoding(enc)
                .setData(data)
                .setLast(last)
                .setChecksum(Checksums.crc32c(data))
                .build()));
        st.getOutputSequence().set(variant, seq + 1);
        st.getOutputFrames().set(variant, start + frames);
    }

    private MixProgress progress(AssemblyState st, SegmentRecord rec, long now) {
        long elapsed = now - st.getFirstSeenMillis();
        Long total = st.getTotalFrames();
        int segmentFrames = settings.template.segmentFrames;
        Integer segmentsTotal = total == null ? null : (int) ((total + segmentFrames - 1) / segmentFrames);
        Long eta = null;
        if (total != null && st.getFramesDone() > 0) {
            eta = Math.max(0L, (long) (elapsed * (double) (total - st.getFramesDone()) / st.getFramesDone()));
        }
        return MixProgress.newBuilder()
                .setMixId(st.getRequest().getMixId())
                .setSegmentsDone(st.getSegmentsDone())
                .setSegmentsTotal(segmentsTotal)
                .setFramesDone(st.getFramesDone())
                .setFramesTotal(total)
                .setElapsedMillis(elapsed)
                .setEtaMillis(eta)
                .setEmittedAtMillis(now)
                .build();
    }

    private void recordSegmentTimes(SegmentRecord rec, long assemblyNanos, long now) {
        if (rec.getFirstChunkAtMillis() > 0) {
            segmentLatency.update(Math.max(0, now - rec.getFirstChunkAtMillis()));
        }
        if (rec.getAlignedAtMillis() > 0) {
            segmentProcessing.update(Math.max(0, now - rec.getAlignedAtMillis()));
        }
        segmentMel.update(rec.getMelNanos() / 1_000_000);
        segmentInference.update(rec.getInferenceNanos() / 1_000_000);
        segmentAssembly.update(assemblyNanos / 1_000_000);
    }

    private void end(AssemblyState st, SegmentRecord rec, Collector<OutboundRecord> out, long now) throws Exception {
        long t0 = System.nanoTime();
        MixRequest req = st.getRequest();
        List<VariantResult> variants = new ArrayList<>();
        for (int v = 0; v < st.getModels().size(); v++) {
            MixRenderer r = renderer(st, v);
            emitChunk(st, v, r.finish(), true, out);
            variants.add(variantResult(st, v, r));
        }
        st.setAlignNanos(st.getAlignNanos() + rec.getAlignNanos());
        st.setAssemblyNanos(st.getAssemblyNanos() + (System.nanoTime() - t0));
        out.collect(new OutboundRecord(MixResult.newBuilder()
                .setMixId(req.getMixId())
                .setStatus(MixStatus.COMPLETED)
                .setSampleRate(req.getSampleRate())
                .setFrames(st.getFramesDone())
                .setSegments(st.getSegmentsDone())
                .setSegmentFrames(settings.template.segmentFrames)
                .setVariants(variants)
                .setTimings(timings(st, now))
                .setCompletedAtMillis(now)
                .setRender(RenderSetups.of(
                        settings.forRequest(req.getSampleRate(), req.getTargetLufs(), req.getCeilingDbfs())))
                .build()));
        mixesCompleted.inc();
        try (MDC.MDCCloseable ignored = MixLog.of(req.getMixId())) {
            LOG.info(
                    "Mix {} completed: {} segments, {} variant(s), {} ms",
                    req.getMixId(),
                    st.getSegmentsDone(),
                    variants.size(),
                    now - st.getFirstSeenMillis());
        }
        clear(st);
    }

    private VariantResult variantResult(AssemblyState st, int v, MixRenderer r) {
        MixRequest req = st.getRequest();
        int stems = req.getStems().size();
        float[] automation = FloatBytes.toArray(st.getAutomation().get(v));
        int segments = automation.length / (stems * MixParams.COUNT);
        List<StemResult> stemResults = new ArrayList<>();
        for (StemSpec spec : req.getStems()) {
            int i = spec.getIndex();
            List<StemParameters> perSegment = new ArrayList<>(segments);
            float[] mean = new float[MixParams.COUNT];
            for (int k = 0; k < segments; k++) {
                int base = (k * stems + i) * MixParams.COUNT;
                float[] p = Arrays.copyOfRange(automation, base, base + MixParams.COUNT);
                perSegment.add(toParameters(p));
                for (int j = 0; j < MixParams.COUNT; j++) {
                    mean[j] += p[j] / segments;
                }
            }
            stemResults.add(new StemResult(
                    i,
                    spec.getName(),
                    spec.getRole(),
                    toParameters(segments == 0 ? MixParams.neutral() : mean),
                    perSegment));
        }
        List<Float> gains = new ArrayList<>();
        for (float g : FloatBytes.toArray(st.getMasterGains().get(v))) {
            gains.add(g);
        }
        VariantModel vm = st.getModels().get(v);
        List<String> served = st.getSegmentModels().get(v);
        return VariantResult.newBuilder()
                .setVariant(vm.getVariant())
                .setModelVersion(served.isEmpty() ? String.valueOf(vm.getModelVersion()) : served.get(0))
                .setSegmentModelVersions(new ArrayList<>(served))
                .setInferenceProvider(st.getProviders().get(v))
                .setStems(stemResults)
                .setMasterGainDb(gains)
                .setOutputChunks(st.getOutputSequence().get(v))
                .setIntegratedLufs(finite(r.outputLufs()))
                .setTruePeakDbtp(finite(r.truePeakDbtp()))
                .setSamplePeakDbfs(finite(r.samplePeakDbfs()))
                .setLoudnessRangeLu(finite(r.outputLoudnessRangeLu()))
                .setMomentaryMaxLufs(finite(r.outputMomentaryMaxLufs()))
                .setShortTermMaxLufs(finite(r.outputShortTermMaxLufs()))
                .setLimiterMaxReductionDb((float) r.limiterMaxReductionDb())
                .build();
    }

    /** The model that made a variant's latest segment (before any segment: the one resolved at START). */
    private static String latestModel(AssemblyState st, int variant) {
        List<String> served = st.getSegmentModels().get(variant);
        return served.isEmpty()
                ? String.valueOf(st.getModels().get(variant).getModelVersion())
                : served.get(served.size() - 1);
    }

    private static StemParameters toParameters(float[] p) {
        return new StemParameters(
                p[MixParams.GAIN_DB],
                p[MixParams.PAN],
                p[MixParams.LOW_SHELF_DB],
                p[MixParams.MID_PEAK_DB],
                p[MixParams.HIGH_SHELF_DB],
                p[MixParams.COMP_THRESHOLD_DB],
                p[MixParams.COMP_RATIO]);
    }

    private static StageTimings timings(AssemblyState st, long now) {
        return StageTimings.newBuilder()
                .setAlignMillis(st.getAlignNanos() / 1e6)
                .setMelMillis(st.getMelNanos() / 1e6)
                .setInferenceMillis(st.getInferenceNanos() / 1e6)
                .setAssemblyMillis(st.getAssemblyNanos() / 1e6)
                .setWallMillis(now - st.getFirstSeenMillis())
                .setBatchSegments(new ArrayList<>(st.getBatchSegments()))
                .build();
    }

    private void fail(SegmentRecord rec, Collector<OutboundRecord> out, long now) throws Exception {
        AssemblyState st = state.value();
        MixError why = rec.getFailure();
        ErrorCode code = why == null ? ErrorCode.INTERNAL : why.getCode();
        String message = why == null ? "mix failed" : why.getMessage();
        MixResult.Builder result = MixResult.newBuilder()
                .setMixId(rec.getMixId())
                .setStatus(MixStatus.FAILED)
                .setErrorCode(code)
                .setErrorMessage(message)
                .setSegmentFrames(settings.template.segmentFrames)
                .setVariants(List.of())
                .setCompletedAtMillis(now);
        if (st != null) {
            result.setSampleRate(st.getRequest().getSampleRate())
                    .setFrames(st.getFramesDone())
                    .setSegments(st.getSegmentsDone())
                    .setTimings(timings(st, now));
            clear(st);
        } else if (rec.getRequestRejected()) {
            result.setSampleRate(rec.getRequest() == null ? 0 : rec.getRequest().getSampleRate())
                    .setFrames(0L)
                    .setSegments(0)
                    .setTimings(StageTimings.newBuilder()
                            .setAlignMillis(0)
                            .setMelMillis(0)
                            .setInferenceMillis(0)
                            .setAssemblyMillis(0)
                            .setWallMillis(0)
                            .setBatchSegments(List.of())
                            .build());
        } else {
            return; // already ended here
        }
        mixesFailed.inc();
        failedByCode
                .computeIfAbsent(
                        code,
                        c -> getRuntimeContext()
                                .getMetricGroup()
                                .addGroup("errorCode", c.name())
                                .counter("mixesFailed"))
                .inc();
        try (MDC.MDCCloseable ignored = MixLog.of(rec.getMixId())) {
            LOG.info("Mix {} failed: {} ({})", rec.getMixId(), code, message);
        }
        out.collect(new OutboundRecord(result.build()));
    }

    private void clear(AssemblyState st) {
        inFlight--;
        for (int v = 0; v < st.getModels().size(); v++) {
            renderers.remove(key(st.getRequest().getMixId(), v));
        }
        state.clear();
    }

    private static String key(String mixId, int variant) {
        return mixId + '\u0000' + variant;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static float[] flatten(float[][] p) {
        float[] out = new float[p.length * MixParams.COUNT];
        for (int i = 0; i < p.length; i++) {
            System.arraycopy(p[i], 0, out, i * MixParams.COUNT, MixParams.COUNT);
        }
        return out;
    }

    private static ByteBuffer append(ByteBuffer existing, float[] more) {
        float[] old = FloatBytes.toArray(existing);
        float[] all = Arrays.copyOf(old, old.length + more.length);
        System.arraycopy(more, 0, all, old.length, more.length);
        return FloatBytes.wrap(all);
    }
}
