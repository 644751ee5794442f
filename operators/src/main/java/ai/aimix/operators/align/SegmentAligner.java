package ai.aimix.operators.align;

import ai.aimix.cache.Fingerprints;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.operators.records.Errors;
import ai.aimix.operators.records.FloatBytes;
import ai.aimix.operators.records.Rejection;
import ai.aimix.operators.records.Segments;
import ai.aimix.operators.registry.ModelResolver;
import ai.aimix.operators.registry.RegistryState;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.Excerpt;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.codec.Pcm;
import ai.aimix.schema.codec.UploadTokens;
import ai.aimix.schema.internal.AlignPhase;
import ai.aimix.schema.internal.AlignState;
import ai.aimix.schema.internal.InboundRecord;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import ai.aimix.schema.internal.StemCursor;
import ai.aimix.schema.internal.VariantModel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Segment alignment, keyed by mix id: gathers the chunks of every stem of a mix and emits segment k (the same
 * frames of every stem) as soon as each stem has them or has ended.
 *
 * <ul>
 *   <li>Chunks are held in keyed state until emitted; chunks that arrive before their request wait for it up to
 *       the unknown-mix timeout; chunks that arrive ahead of a gap wait for it within the reorder window.</li>
 *   <li>Every rejected input becomes a {@link MixError} on {@link #ERRORS}; fatal ones end the mix with a FAIL
 *       record downstream, and the stages after this one produce the FAILED result.</li>
 *   <li>A mix with no progress for the chunk timeout fails with MISSING_CHUNK: never a hang.</li>
 *   <li>The model registry arrives on the broadcast input: a request naming an unknown or retired version, or a
 *       league without champion, is refused here (a version or league the registry does not know yet is waited for
 *       up to the model-wait time first, as the registry topic and the request topics are read independently).
 *       Every registry entry is also passed down the chain as a REGISTRY record, for the inference operator.</li>
 *   <li>When a mix completes or fails its state shrinks to a tombstone (so late chunks are recognised) that a
 *       timer clears after the retention time: then nothing of the mix is left, state or timer.</li>
 * </ul>
 */
public class SegmentAligner extends KeyedBroadcastProcessFunction<String, InboundRecord, RegistryEntry, SegmentRecord> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<MixError> ERRORS =
            new OutputTag<>("aligner-errors", TypeInformation.of(MixError.class));

    private final AlignSettings settings;
    /** Whether each segment carries its stems' fingerprints (the feature cache is on). */
    private final boolean fingerprints;

    private transient ValueState<AlignState> state;
    private transient MapState<Long, AudioChunk> chunks;
    /**
     * Chunks that came before their request, keyed by their upload token, stem and sequence: a stray chunk with
     * another token never takes the place of the producer's own.
     */
    private transient MapState<String, AudioChunk> orphans;

    private transient RequestValidator validator;
    private transient Counter segmentsOut;
    private transient Counter rejected;
    private transient Counter droppedAfterEnd;
    /** Chunks past the end of their mix's excerpt, dropped unread. */
    private transient Counter chunksPastExcerpt;
    /** PCM bytes of the chunks taken in (a duplicate or refused chunk is not counted). */
    private transient Counter bytesIn;
    /** The registry, built from the broadcast state when first needed and kept up to date. */
    private transient RegistryView registry;

    public SegmentAligner(AlignSettings settings) {
        this(settings, false);
    }

    /** With {@code fingerprints}, every segment carries its stems' fingerprints for the feature cache. */
    public SegmentAligner(AlignSettings settings, boolean fingerprints) {
        this.settings = settings;
        this.fingerprints = fingerprints;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("align", AlignState.class));
        chunks = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("chunks", Types.LONG, TypeInformation.of(AudioChunk.class)));
        orphans = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("orphans", Types.STRING, TypeInformation.of(AudioChunk.class)));
        validator = new RequestValidator(settings);
        segmentsOut = getRuntimeContext().getMetricGroup().counter("segmentsEmitted");
        rejected = getRuntimeContext().getMetricGroup().counter("recordsRejected");
        droppedAfterEnd = getRuntimeContext().getMetricGroup().counter("chunksDroppedAfterFailure");
        chunksPastExcerpt = getRuntimeContext().getMetricGroup().counter("chunksPastExcerpt");
        bytesIn = getRuntimeContext().getMetricGroup().counter("audioBytesIn");
    }

    /** Highest stem index a chunk key holds (the job's stem limit is far lower). */
    static final int MAX_STEM_INDEX = 0xFFFFF;
    /** Highest sequence number a chunk key holds: 2^40 - 1 (a chunk a millisecond for 34 years). */
    static final long MAX_SEQUENCE = (1L << 40) - 1;

    static long chunkKey(int stem, long sequence) {
        return ((long) stem << 40) | sequence;
    }

    @Override
    public void processBroadcastElement(RegistryEntry entry, Context ctx, Collector<SegmentRecord> out)
            throws Exception {
        BroadcastState<String, RegistryEntry> state = ctx.getBroadcastState(RegistryState.DESCRIPTOR);
        state.put(RegistryView.key(entry), entry);
        if (registry != null) {
            registry.apply(entry);
        }
        out.collect(Segments.registry(entry, registryKey()));
    }

    private transient String registryKey;

    private String registryKey() {
        if (registryKey == null) {
            TaskInfo t = getRuntimeContext().getTaskInfo();
            registryKey = Segments.registryKey(
                    t.getMaxNumberOfParallelSubtasks(), t.getNumberOfParallelSubtasks(), t.getIndexOfThisSubtask());
        }
        return registryKey;
    }

    private RegistryView registry(ReadOnlyContext ctx) throws Exception {
        if (registry == null) {
            ReadOnlyBroadcastState<String, RegistryEntry> state = ctx.getBroadcastState(RegistryState.DESCRIPTOR);
            registry = RegistryState.view(state.immutableEntries());
        }
        return registry;
    }

    @Override
    public void processElement(InboundRecord in, ReadOnlyContext ctx, Collector<SegmentRecord> collector)
            throws Exception {
        long t0 = System.nanoTime();
        long now = ctx.timerService().currentProcessingTime();
        TimedCollector out = new TimedCollector(collector);
        AlignState st = state.value();
        if (in.getRequest() != null) {
            st = onRequest(st, in, ctx, out, now);
        } else if (in.getChunk() != null) {
            st = onChunk(st, in, ctx, out, now);
        }
        if (st != null) {
            // this stage's own time: the chained stages run inside collect() and are measured there
            st.setAlignNanos(st.getAlignNanos() + (System.nanoTime() - t0) - out.nanos);
            state.update(st);
        }
    }

    /** Measures the time spent downstream, inside collect(), so that it is not counted as alignment. */
    private static final class TimedCollector implements Collector<SegmentRecord> {
        private final Collector<SegmentRecord> delegate;
        long nanos;

        TimedCollector(Collector<SegmentRecord> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void collect(SegmentRecord record) {
            long t0 = System.nanoTime();
            delegate.collect(record);
            nanos += System.nanoTime() - t0;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ request

    private AlignState onRequest(
            AlignState st, InboundRecord in, ReadOnlyContext ctx, Collector<SegmentRecord> out, long now)
            throws Exception {
        MixRequest req = in.getRequest();
        String mixId = req.getMixId();
        if (st != null && st.getPhase() != AlignPhase.WAITING_FOR_REQUEST) {
            reject(
                    ctx,
                    in,
                    mixId,
                    null,
                    null,
                    new Rejection(
                            ErrorCode.DUPLICATE_REQUEST,
                            false,
                            "mix " + mixId + " already has a request (" + st.getPhase() + "); ignored"),
                    now);
            return st;
        }
        if (st == null) {
            st = newState(now);
        }
        st.setLastActivityMillis(now);
        Rejection problem = validator.check(req);
        List<VariantModel> models = null;
        if (problem == null) {
            try {
                models = validator.resolveModels(req);
            } catch (RequestValidator.RejectedException e) {
                problem = e.rejection;
            }
        }
        if (problem != null) {
            return refuse(st, req, in, problem, ctx, out, now);
        }
        st.setRequest(req);
        st.setModels(models);
        ModelResolver.Result resolved = ModelResolver.resolve(models, registry(ctx));
        if (!resolved.ok()) {
            if (resolved.problem == RegistryView.Problem.UNKNOWN && settings.modelWaitMillis > 0) {
                // the registry may not have caught up with a model published just before this request
                st.setPhase(AlignPhase.WAITING_FOR_MODEL);
                st.setModelWaitSinceMillis(now);
                st.setRequestTopic(in.getTopic());
                st.setRequestPartition(in.getPartition());
                st.setRequestOffset(in.getOffset());
                st.setModelCheckMillis(now);
                ensureTimer(st, ctx);
                return st;
            }
            return refuse(st, req, in, resolved.rejection, ctx, out, now);
        }
        return accept(st, resolved.variants, ctx, out, now);
    }

    /** Refuses the whole request: an error, a FAIL that lets the last stage report it, and a tombstone. */
    private AlignState refuse(
            AlignState st,
            MixRequest req,
            InboundRecord in,
            Rejection problem,
            ReadOnlyContext ctx,
            Collector<SegmentRecord> out,
            long now)
            throws Exception {
        String mixId = req.getMixId();
        reject(ctx, in, mixId, null, null, problem, now);
        out.collect(Segments.fail(mixId, error(mixId, in, null, null, problem, now), true, req));
        return tombstone(st, AlignPhase.FAILED, ctx, now);
    }

    /** Starts the mix: emits START and takes in the chunks that came before. */
    private AlignState accept(
            AlignState st, List<VariantModel> models, ReadOnlyContext ctx, Collector<SegmentRecord> out, long now)
            throws Exception {
        MixRequest req = st.getRequest();
        String mixId = req.getMixId();
        st.setModels(models);
        st.setPhase(AlignPhase.ACTIVE);
        st.setLastActivityMillis(now);
        List<StemCursor> cursors = new ArrayList<>();
        for (int i = 0; i < req.getStems().size(); i++) {
            cursors.add(new StemCursor(0L, 0L, 0, 0L, 0L, false, null, 0));
        }
        st.setStems(cursors);
        out.collect(Segments.base(SegmentKind.START, mixId)
                .setRequest(req)
                .setModels(models)
                .setFirstSeenMillis(st.getFirstSeenMillis())
                .setTotalFrames(expectedFrames(req))
                .build());

        // chunks that came before the request (or while it waited for its model): admit them in sequence order;
        // those with another upload token are refused there, without touching the mix
        if (st.getOrphanChunks() > 0) {
            List<AudioChunk> held = new ArrayList<>();
            for (AudioChunk c : orphans.values()) {
                held.add(c);
            }
            for (AudioChunk c : chunks.values()) {
                held.add(c); // held by a version of the job before upload tokens
            }
            held.sort(Comparator.comparingLong((AudioChunk c) -> chunkKey(c.getStemIndex(), c.getSequence()))
                    .thenComparing(c -> c.getUploadToken() == null ? "" : c.getUploadToken()));
            orphans.clear();
            chunks.clear();
            st.setBufferedBytes(0L);
            st.setOrphanChunks(0);
            for (AudioChunk c : held) {
                if (!admit(st, c, null, ctx, out, now)) {
                    return st;
                }
            }
        }
        st = emitReady(st, ctx, out, now);
        ensureTimer(st, ctx);
        return st;
    }

    /** A request waiting for its model: accepted once the registry knows it, refused when the wait is over. */
    private AlignState recheckModels(AlignState st, OnTimerContext ctx, Collector<SegmentRecord> out, long now)
            throws Exception {
        ModelResolver.Result resolved = ModelResolver.resolve(st.getModels(), registry(ctx));
        if (resolved.ok()) {
            return accept(st, resolved.variants, ctx, out, now);
        }
        if (resolved.problem == RegistryView.Problem.UNKNOWN
                && now < st.getModelWaitSinceMillis() + settings.modelWaitMillis) {
            st.setModelCheckMillis(now);
            ensureTimer(st, ctx);
            return st;
        }
        Rejection why = resolved.problem == RegistryView.Problem.UNKNOWN
                ? new Rejection(
                        resolved.rejection.code,
                        true,
                        resolved.rejection.message + " (waited " + (now - st.getModelWaitSinceMillis())
                                + " ms for the registry)")
                : resolved.rejection;
        return refuse(st, st.getRequest(), requestSource(st), why, ctx, out, now);
    }

    /** Where a request that waited for its model was read, for its refusal (null for state of an older job). */
    private static InboundRecord requestSource(AlignState st) {
        if (st.getRequestTopic() == null) {
            return null;
        }
        return InboundRecord.newBuilder()
                .setTopic(st.getRequestTopic())
                .setPartition(st.getRequestPartition())
                .setOffset(st.getRequestOffset())
                .build();
    }

    // ------------------------------------------------------------------------------------------------ chunks

    private AlignState onChunk(
            AlignState st, InboundRecord in, ReadOnlyContext ctx, Collector<SegmentRecord> out, long now)
            throws Exception {
        AudioChunk c = in.getChunk();
        String mixId = c.getMixId();
        if (st == null) {
            st = newState(now);
        }
        switch (st.getPhase()) {
            case FAILED:
                st.setDroppedAfterEnd(st.getDroppedAfterEnd() + 1);
                droppedAfterEnd.inc();
                return st;
            case COMPLETED:
                if (st.getExcerptEnded()) {
                    chunksPastExcerpt.inc(); // the rest of an excerpt's stems: expected, not an error
                    return st;
                }
                reject(
                        ctx,
                        in,
                        mixId,
                        c.getStemIndex(),
                        c.getSequence(),
                        new Rejection(ErrorCode.CHUNK_AFTER_LAST, false, "mix " + mixId + " has already completed"),
                        now);
                return st;
            case WAITING_FOR_REQUEST:
            case WAITING_FOR_MODEL:
                st.setLastActivityMillis(now);
                holdOrphan(st, in, ctx, now);
                ensureTimer(st, ctx);
                return st;
            default:
                st.setLastActivityMillis(now);
                if (admit(st, c, in, ctx, out, now)) {
                    st = emitReady(st, ctx, out, now);
                }
                ensureTimer(st, ctx);
                return st;
        }
    }

    private void holdOrphan(AlignState st, InboundRecord in, ReadOnlyContext ctx, long now) throws Exception {
        AudioChunk c = in.getChunk();
        int size = c.getData().remaining();
        if (st.getRequest() != null && !UploadTokens.matches(st.getRequest().getUploadToken(), c.getUploadToken())) {
            reject(ctx, in, c.getMixId(), c.getStemIndex(), c.getSequence(), tokenMismatch(c), now);
            return;
        }
        if (c.getStemIndex() < 0
                || c.getStemIndex() > MAX_STEM_INDEX
                || c.getSequence() < 0
                || c.getSequence() > MAX_SEQUENCE
                || size > settings.maxChunkBytes
                || st.getBufferedBytes() + size > settings.maxBufferedBytes) {
            reject(
                    ctx,
                    in,
                    c.getMixId(),
                    c.getStemIndex(),
                    c.getSequence(),
                    new Rejection(
                            ErrorCode.UNKNOWN_MIX,
                            false,
                            "no request for mix " + c.getMixId() + " yet, and this chunk cannot be held for it "
                                    + "(bad index, oversize, or the per-mix buffer is full)"),
                    now);
            return;
        }
        String key = orphanKey(c);
        if (orphans.contains(key)) {
            reject(
                    ctx,
                    in,
                    c.getMixId(),
                    c.getStemIndex(),
                    c.getSequence(),
                    new Rejection(ErrorCode.DUPLICATE_CHUNK, false, "duplicate of a chunk already held; ignored"),
                    now);
            return;
        }
        orphans.put(key, c);
        st.setOrphanChunks(st.getOrphanChunks() + 1);
        st.setBufferedBytes(st.getBufferedBytes() + size);
    }

    /** A held chunk's key: its token, stem and sequence (the token first, so chunks of different tokens never meet). */
    private static String orphanKey(AudioChunk c) {
        return (c.getUploadToken() == null ? "" : c.getUploadToken())
                + '\u0000'
                + c.getStemIndex()
                + '\u0000'
                + c.getSequence();
    }

    private static Rejection tokenMismatch(AudioChunk c) {
        return new Rejection(
                ErrorCode.UPLOAD_TOKEN_MISMATCH,
                false,
                (c.getUploadToken() == null ? "no upload token" : "an upload token that is not its request's")
                        + " on chunk " + c.getSequence() + " of stem "
                        + c.getStemIndex() + ": dropped, the mix is not touched");
    }

    /**
     * Takes in one chunk of an active mix. Returns false when the chunk failed the mix (the state is then a
     * tombstone); true otherwise, including when only the chunk was dropped.
     */
    private boolean admit(
            AlignState st, AudioChunk c, InboundRecord in, ReadOnlyContext ctx, Collector<SegmentRecord> out, long now)
            throws Exception {
        MixRequest req = st.getRequest();
        String mixId = req.getMixId();
        int idx = c.getStemIndex();
        long seq = c.getSequence();
        if (!UploadTokens.matches(req.getUploadToken(), c.getUploadToken())) {
            // before any other check: a chunk that is not the producer's can neither fail nor fill the mix
            reject(ctx, in, mixId, idx, seq, tokenMismatch(c), now);
            return true;
        }
        if (idx < 0 || idx >= req.getStems().size()) {
            reject(
                    ctx,
                    in,
                    mixId,
                    idx,
                    seq,
                    new Rejection(
                            ErrorCode.STEM_INDEX_OUT_OF_RANGE,
                            false,
                            "stem index " + idx + " but the request has "
                                    + req.getStems().size() + " stems"),
                    now);
            return true;
        }
        if (seq < 0 || seq > MAX_SEQUENCE) {
            reject(
                    ctx,
                    in,
                    mixId,
                    idx,
                    seq,
                    new Rejection(
                            ErrorCode.MALFORMED_CHUNK, false, "sequence number " + seq + " outside 0.." + MAX_SEQUENCE),
                    now);
            return true;
        }
        StemCursor cur = st.getStems().get(idx);
        if (pastExcerpt(req, cur) && seq >= cur.getNextSequence()) {
            // the excerpt's end is in: the rest of the stem is not needed
            chunksPastExcerpt.inc();
            return true;
        }
        if (cur.getLastSequence() != null && seq > cur.getLastSequence()) {
            reject(
                    ctx,
                    in,
                    mixId,
                    idx,
                    seq,
                    new Rejection(
                            ErrorCode.CHUNK_AFTER_LAST,
                            false,
                            "stem " + idx + " ended at sequence " + cur.getLastSequence()),
                    now);
            return true;
        }
        long key = chunkKey(idx, seq);
        if (seq < cur.getNextSequence() || chunks.contains(key)) {
            reject(
                    ctx,
                    in,
                    mixId,
                    idx,
                    seq,
                    new Rejection(
                            ErrorCode.DUPLICATE_CHUNK,
                            false,
                            "sequence " + seq + " of stem " + idx + " was already received; ignored"),
                    now);
            return true;
        }
        StemSpec spec = req.getStems().get(idx);
        Rejection problem = ChunkChecks.check(c, req, spec.getChannels(), settings.maxChunkBytes);
        if (problem == null && seq > cur.getNextSequence() + settings.reorderWindow) {
            problem = new Rejection(
                    ErrorCode.OUT_OF_ORDER_CHUNK,
                    true,
                    "sequence " + seq + " of stem " + idx
                            + " arrived while " + cur.getNextSequence() + " is awaited; the reorder window is "
                            + settings.reorderWindow + " chunks");
        }
        if (problem == null && c.getLast() && cur.getLastSequence() != null) {
            problem = new Rejection(
                    ErrorCode.MALFORMED_CHUNK,
                    false,
                    "stem " + idx + " already has a chunk " + "flagged last (sequence " + cur.getLastSequence()
                            + "); this second one is ignored");
        }
        if (problem == null && c.getLast() && cur.getAheadChunks() > 0 && hasHeldBeyond(idx, seq, cur)) {
            problem = new Rejection(
                    ErrorCode.CHUNK_AFTER_LAST,
                    true,
                    "stem " + idx + " has chunks after the one " + "flagged last (sequence " + seq + ")");
        }
        if (problem != null) {
            if (problem.fatal) {
                fail(st, ctx, out, in, idx, seq, problem, now);
                return false;
            }
            reject(ctx, in, mixId, idx, seq, problem, now);
            return true;
        }
        int size = c.getData().remaining();
        chunks.put(key, c);
        bytesIn.inc(size);
        st.setBufferedBytes(st.getBufferedBytes() + size);
        if (c.getLast()) {
            cur.setLastSequence(seq);
        }
        if (seq == cur.getNextSequence()) {
            advance(st, cur, idx, c, now);
        } else {
            cur.setAheadChunks(cur.getAheadChunks() + 1);
        }
        if (cur.getReceivedFrames() > settings.maxFrames(req.getSampleRate())) {
            fail(
                    st,
                    ctx,
                    out,
                    in,
                    idx,
                    seq,
                    new Rejection(
                            ErrorCode.TRACK_TOO_LONG,
                            true,
                            "stem " + idx + " is longer than " + settings.maxTrackSeconds + " s"),
                    now);
            return false;
        }
        if (st.getBufferedBytes() > settings.maxBufferedBytes) {
            fail(
                    st,
                    ctx,
                    out,
                    in,
                    idx,
                    seq,
                    new Rejection(
                            ErrorCode.BUFFER_OVERFLOW,
                            true,
                            "more than "
                                    + settings.maxBufferedBytes
                                    + " bytes held for this mix: stems are too far apart in time "
                                    + "(send them interleaved)"),
                    now);
            return false;
        }
        return true;
    }

    private boolean hasHeldBeyond(int idx, long seq, StemCursor cur) throws Exception {
        for (long s = seq + 1; s < cur.getNextSequence() + settings.reorderWindow + 1; s++) {
            if (chunks.contains(chunkKey(idx, s))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The chunk at nextSequence arrived: move the cursor over it and over any held chunks right behind it. With an
     * excerpt, only its frames become available: a chunk wholly before it is dropped at once, one that straddles its
     * start is read from the excerpt's first frame, and the stem ends at the excerpt's end.
     */
    private void advance(AlignState st, StemCursor cur, int idx, AudioChunk arrived, long now) throws Exception {
        Excerpt x = st.getRequest().getExcerpt();
        long origin = x == null ? 0 : x.getStartFrame();
        long end = x == null ? Long.MAX_VALUE : x.getStartFrame() + x.getFrames();
        AudioChunk c = arrived;
        while (true) {
            long from = cur.getReceivedFrames();
            long to = from + ChunkChecks.frames(c);
            long kept = Math.max(0, Math.min(to, end) - Math.max(from, origin));
            if (from < origin) {
                // every earlier chunk of this stem lay before the excerpt too and was dropped: this one is the head
                if (to <= origin) {
                    chunks.remove(chunkKey(idx, cur.getNextSequence()));
                    st.setBufferedBytes(st.getBufferedBytes() - c.getData().remaining());
                    cur.setHeadSequence(cur.getNextSequence() + 1);
                    cur.setHeadOffsetFrames(0);
                } else {
                    cur.setHeadOffsetFrames((int) (origin - from));
                }
            }
            noteArrival(st, Math.max(from, origin) - origin, kept, now);
            cur.setAvailableFrames(cur.getAvailableFrames() + kept);
            cur.setReceivedFrames(to);
            cur.setNextSequence(cur.getNextSequence() + 1);
            if (c.getLast() || to >= end) {
                cur.setEnded(true);
                return;
            }
            if (cur.getAheadChunks() == 0) {
                return;
            }
            AudioChunk next = chunks.get(chunkKey(idx, cur.getNextSequence()));
            if (next == null) {
                return;
            }
            cur.setAheadChunks(cur.getAheadChunks() - 1);
            c = next;
        }
    }

    /** Whether a stem has delivered the end of the mix's excerpt (so its later chunks are not needed). */
    private static boolean pastExcerpt(MixRequest req, StemCursor cur) {
        Excerpt x = req.getExcerpt();
        return x != null && cur.getReceivedFrames() >= x.getStartFrame() + x.getFrames();
    }

    /** The frames the mix is expected to last: the request's estimate, cut to its excerpt. */
    static Long expectedFrames(MixRequest req) {
        Excerpt x = req.getExcerpt();
        Long whole = req.getExpectedFrames();
        if (x == null) {
            return whole;
        }
        return whole == null ? x.getFrames() : Math.max(0, Math.min(x.getFrames(), whole - x.getStartFrame()));
    }

    /**
     * Frames [from, from + frames) of a stem were taken in at {@code now}: the segments they touch that have no
     * arrival time yet get this one (a segment's latency runs from the first chunk of any stem that carries it).
     */
    private void noteArrival(AlignState st, long from, long frames, long now) {
        if (frames <= 0) {
            return;
        }
        int segment = settings.segmentFrames;
        long first = Math.max(from / segment, st.getSegmentsEmitted());
        long last = (from + frames - 1) / segment;
        List<Long> arrivals = st.getSegmentArrivals();
        for (long k = first; k <= last; k++) {
            int i = (int) (k - st.getSegmentsEmitted());
            while (arrivals.size() <= i) {
                arrivals.add(0L);
            }
            if (arrivals.get(i) == 0L) {
                arrivals.set(i, now);
            }
        }
    }

    /** When the first chunk of the segment being emitted was taken in (now when unknown), and forgets it. */
    private static long takeArrival(AlignState st, long now) {
        List<Long> arrivals = st.getSegmentArrivals();
        long at = arrivals.isEmpty() ? 0L : arrivals.remove(0);
        return at == 0L ? now : at;
    }

    // ------------------------------------------------------------------------------------------------ emit

    private AlignState emitReady(AlignState st, ReadOnlyContext ctx, Collector<SegmentRecord> out, long now)
            throws Exception {
        MixRequest req = st.getRequest();
        int segment = settings.segmentFrames;
        List<StemCursor> cursors = st.getStems();
        while (true) {
            boolean allEnded = true;
            long minOpen = Long.MAX_VALUE;
            long maxAvailable = 0;
            for (StemCursor c : cursors) {
                maxAvailable = Math.max(maxAvailable, c.getAvailableFrames());
                if (!c.getEnded()) {
                    allEnded = false;
                    minOpen = Math.min(minOpen, c.getAvailableFrames());
                }
            }
            if (!allEnded && minOpen < segment) {
                return st;
            }
            int frames = allEnded ? (int) Math.min(segment, maxAvailable) : segment;
            if (frames == 0) {
                return complete(st, ctx, out, now);
            }
            List<ByteBuffer> audio = new ArrayList<>(cursors.size());
            List<Integer> roles = new ArrayList<>(cursors.size());
            boolean last = allEnded;
            for (int i = 0; i < cursors.size(); i++) {
                StemSpec spec = req.getStems().get(i);
                audio.add(take(cursors.get(i), i, spec.getChannels(), frames, st));
                roles.add(spec.getRole().ordinal());
                if (cursors.get(i).getAvailableFrames() > 0) {
                    last = false;
                }
            }
            List<ByteBuffer> stemFingerprints = fingerprints ? fingerprint(st, audio, frames, last) : List.of();
            int k = st.getSegmentsEmitted();
            long startFrame = st.getFramesEmitted();
            // time of earlier calls for this mix; this call's time goes to the next segment (or the END)
            long alignNanos = st.getAlignNanos();
            st.setAlignNanos(0L);
            out.collect(Segments.base(SegmentKind.AUDIO, req.getMixId())
                    .setSegmentIndex(k)
                    .setStartFrame(startFrame)
                    .setFrames(frames)
                    .setLast(last)
                    .setTotalFrames(last ? Long.valueOf(startFrame + frames) : expectedFrames(req))
                    .setModels(st.getModels())
                    .setRoles(roles)
                    .setAudio(audio)
                    .setFingerprints(stemFingerprints)
                    .setAlignNanos(alignNanos)
                    .setAlignedAtMillis(now)
                    .setFirstChunkAtMillis(takeArrival(st, now))
                    .build());
            segmentsOut.inc();
            st.setSegmentsEmitted(k + 1);
            st.setFramesEmitted(startFrame + frames);
            if (last) {
                return complete(st, ctx, out, now);
            }
        }
    }

    /**
     * Each stem's fingerprint after this segment (chained from the one before, kept in the state), for the feature
     * cache: it names the stem's audio so far, however it was chunked.
     */
    private static List<ByteBuffer> fingerprint(AlignState st, List<ByteBuffer> audio, int frames, boolean last) {
        MixRequest req = st.getRequest();
        List<ByteBuffer> previous = st.getStemFingerprints();
        if (previous.size() != audio.size() && st.getSegmentsEmitted() > 0) {
            // a mix restored mid-way from a state without its chain (the cache was off, or an older job): its
            // fingerprints cannot name the audio from the stem's start, so the rest of it goes uncached
            return List.of();
        }
        List<ByteBuffer> next = new ArrayList<>(audio.size());
        for (int i = 0; i < audio.size(); i++) {
            byte[] before = previous.size() == audio.size() ? FloatBytes.bytes(previous.get(i)) : Fingerprints.START;
            next.add(ByteBuffer.wrap(Fingerprints.next(
                    before,
                    st.getFramesEmitted(),
                    req.getSampleRate(),
                    req.getStems().get(i).getChannels(),
                    frames,
                    last,
                    audio.get(i))));
        }
        st.setStemFingerprints(next);
        return next;
    }

    /** Removes {@code frames} frames (or what the stem has, padding with silence) from a stem's held chunks. */
    private ByteBuffer take(StemCursor cur, int idx, int channels, int frames, AlignState st) throws Exception {
        float[] buf = new float[frames * channels];
        long need = Math.min(frames, cur.getAvailableFrames());
        int pos = 0;
        while (need > 0) {
            long key = chunkKey(idx, cur.getHeadSequence());
            AudioChunk c = chunks.get(key);
            if (c == null) {
                throw new IllegalStateException(
                        "chunk " + cur.getHeadSequence() + " of stem " + idx + " missing from state");
            }
            int chunkFrames = (int) ChunkChecks.frames(c);
            int from = cur.getHeadOffsetFrames();
            int n = (int) Math.min(chunkFrames - from, need);
            if (n > 0) {
                Pcm.decode(c.getData(), c.getEncoding(), from * channels, buf, pos * channels, n * channels);
                pos += n;
                need -= n;
            }
            if (from + n == chunkFrames) {
                chunks.remove(key);
                st.setBufferedBytes(st.getBufferedBytes() - c.getData().remaining());
                cur.setHeadSequence(cur.getHeadSequence() + 1);
                cur.setHeadOffsetFrames(0);
            } else {
                cur.setHeadOffsetFrames(from + n);
            }
        }
        cur.setAvailableFrames(cur.getAvailableFrames() - pos);
        return FloatBytes.wrap(buf);
    }

    private AlignState complete(AlignState st, ReadOnlyContext ctx, Collector<SegmentRecord> out, long now)
            throws Exception {
        out.collect(Segments.base(SegmentKind.END, st.getRequest().getMixId())
                .setSegmentIndex(st.getSegmentsEmitted())
                .setTotalFrames(st.getFramesEmitted())
                .setAlignNanos(st.getAlignNanos())
                .build());
        st.setExcerptEnded(st.getRequest().getExcerpt() != null);
        return tombstone(st, AlignPhase.COMPLETED, ctx, now);
    }

    // ------------------------------------------------------------------------------------------------ failure

    private void fail(
            AlignState st,
            ReadOnlyContext ctx,
            Collector<SegmentRecord> out,
            InboundRecord in,
            Integer stem,
            Long seq,
            Rejection why,
            long now)
            throws Exception {
        String mixId = st.getRequest().getMixId();
        MixError e = error(mixId, in, stem, seq, why, now);
        rejected.inc();
        ctx.output(ERRORS, e);
        out.collect(Segments.fail(mixId, e, false, st.getRequest()));
        tombstone(st, AlignPhase.FAILED, ctx, now);
    }

    private AlignState tombstone(AlignState st, AlignPhase phase, ReadOnlyContext ctx, long now) throws Exception {
        chunks.clear();
        orphans.clear();
        st.setPhase(phase);
        st.setRequest(null);
        st.setModels(List.of());
        st.setStems(List.of());
        st.setSegmentArrivals(new ArrayList<>());
        st.setRequestTopic(null);
        st.setRequestPartition(null);
        st.setRequestOffset(null);
        st.setBufferedBytes(0L);
        st.setOrphanChunks(0);
        st.setLastActivityMillis(now);
        ensureTimer(st, ctx);
        return st;
    }

    private void reject(
            ReadOnlyContext ctx, InboundRecord in, String mixId, Integer stem, Long seq, Rejection why, long now) {
        rejected.inc();
        ctx.output(ERRORS, error(mixId, in, stem, seq, why, now));
    }

    private static MixError error(String mixId, InboundRecord in, Integer stem, Long seq, Rejection why, long now) {
        return Errors.of(why.code, why.fatal, why.message, mixId, in, stem, seq, now);
    }

    // ------------------------------------------------------------------------------------------------ timers

    private long deadline(AlignState st) {
        switch (st.getPhase()) {
            case WAITING_FOR_REQUEST:
                return st.getFirstSeenMillis() + settings.unknownMixTimeoutMillis;
            case WAITING_FOR_MODEL:
                return Math.min(
                        st.getModelCheckMillis() + settings.modelRecheckMillis,
                        st.getModelWaitSinceMillis() + settings.modelWaitMillis);
            case ACTIVE:
                return st.getLastActivityMillis() + settings.chunkTimeoutMillis;
            default:
                return st.getLastActivityMillis() + settings.retentionMillis;
        }
    }

    /** One timer per mix: registered when none is, moved only when the deadline comes earlier. */
    private void ensureTimer(AlignState st, ReadOnlyContext ctx) {
        long due = deadline(st);
        if (st.getTimerAt() == 0 || due < st.getTimerAt()) {
            if (st.getTimerAt() != 0) {
                ctx.timerService().deleteProcessingTimeTimer(st.getTimerAt());
            }
            ctx.timerService().registerProcessingTimeTimer(due);
            st.setTimerAt(due);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentRecord> out) throws Exception {
        AlignState st = state.value();
        if (st == null || timestamp != st.getTimerAt()) {
            return;
        }
        st.setTimerAt(0L);
        long due = deadline(st);
        if (timestamp < due) {
            ensureTimer(st, ctx);
            state.update(st);
            return;
        }
        String mixId = ctx.getCurrentKey();
        switch (st.getPhase()) {
            case WAITING_FOR_REQUEST:
                rejected.inc();
                ctx.output(
                        ERRORS,
                        Errors.ofMix(
                                ErrorCode.UNKNOWN_MIX,
                                false,
                                st.getOrphanChunks()
                                        + " chunk(s) arrived for mix " + mixId + " but no request came within "
                                        + settings.unknownMixTimeoutMillis + " ms; they were dropped",
                                mixId,
                                timestamp));
                chunks.clear();
                orphans.clear();
                state.clear();
                return;
            case ACTIVE:
                fail(st, ctx, out, null, null, null, missing(st, timestamp), timestamp);
                state.update(st);
                return;
            case WAITING_FOR_MODEL:
                state.update(recheckModels(st, ctx, out, timestamp));
                return;
            default:
                chunks.clear();
                orphans.clear();
                state.clear();
        }
    }

    private Rejection missing(AlignState st, long now) {
        StringBuilder which = new StringBuilder();
        List<StemCursor> cursors = st.getStems();
        for (int i = 0; i < cursors.size(); i++) {
            StemCursor c = cursors.get(i);
            if (!c.getEnded() && c.getAvailableFrames() < settings.segmentFrames) {
                if (which.length() > 0) {
                    which.append(", ");
                }
                which.append("stem ")
                        .append(i)
                        .append(" (")
                        .append(st.getRequest().getStems().get(i).getName())
                        .append(") awaits chunk ")
                        .append(c.getNextSequence());
            }
        }
        return new Rejection(
                ErrorCode.MISSING_CHUNK,
                true,
                "no progress for " + (now - st.getLastActivityMillis()) + " ms: " + which);
    }

    private static AlignState newState(long now) {
        return AlignState.newBuilder()
                .setPhase(AlignPhase.WAITING_FOR_REQUEST)
                .setFirstSeenMillis(now)
                .setLastActivityMillis(now)
                .setTimerAt(0L)
                .setSegmentsEmitted(0)
                .setFramesEmitted(0L)
                .setBufferedBytes(0L)
                .setOrphanChunks(0)
                .setSegmentArrivals(new ArrayList<>())
                .build();
    }
}
