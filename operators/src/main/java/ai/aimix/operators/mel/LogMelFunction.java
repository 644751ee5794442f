package ai.aimix.operators.mel;

import ai.aimix.cache.CacheSettings;
import ai.aimix.cache.Caches;
import ai.aimix.cache.FeatureCache;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.dsp.spectral.StreamingLogMel;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import ai.aimix.operators.StemParallelism;
import ai.aimix.operators.records.FloatBytes;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.internal.MelState;
import ai.aimix.schema.internal.SegmentRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * STFT / log-mel of every stem of each audio segment (Hann, n_fft 2048, hop 512, 128 Slaney mel bands, power,
 * dB), keyed by mix id, and beside it the segment's {@link StemDescriptors} (BS.1770 loudness statistics, peak, RMS,
 * crest, octave-band balance from the same stream's spectra) for models that take them. Each stem's streaming-STFT
 * and loudness-meter state is kept between segments so frames and gating blocks continue across segment boundaries
 * exactly as over one array (the training corpus measures them the same way: {@code SegmentMels}). State is created
 * on START and cleared on END or FAIL.
 */
public class LogMelFunction extends KeyedProcessFunction<String, SegmentRecord, SegmentRecord> {
    private static final long serialVersionUID = 1L;

    private final MelSettings settings;
    private final CacheSettings cacheSettings;
    private transient ValueState<MelState> state;
    private transient Counter dropped;
    private transient Counter reused;
    private transient Counter computed;
    /** The feature cache this stage stores into (null when it is off). */
    private transient FeatureCache cache;

    private transient Map<Integer, StemMel> mels;
    private transient Map<String, Streams> open;

    /**
     * One mix's open per-stem streams: log-mel and descriptors, the descriptors tapping the log-mel's spectra;
     * {@code descriptors} null for a mix restored mid-way from a state written before descriptors existed (its
     * loudness history is lost, so none are measured for it: a model that takes them refuses its segments visibly).
     */
    private record Streams(StreamingLogMel[] mel, StemDescriptors[] descriptors) {}

    public LogMelFunction(MelSettings settings) {
        this(settings, CacheSettings.disabled());
    }

    /**
     * With the feature cache on, a stem segment whose log-mel the cache lookup found (an intact entry of the same
     * shape) is not computed: its spectrogram and descriptors are taken, and its stream continues from the state
     * stored with them. A computed one is stored.
     */
    public LogMelFunction(MelSettings settings, CacheSettings cache) {
        this.settings = settings;
        this.cacheSettings = cache;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("mel", MelState.class));
        dropped = getRuntimeContext().getMetricGroup().counter("segmentsOfEndedMixes");
        reused = getRuntimeContext().getMetricGroup().counter("stemSegmentsFromCache");
        computed = getRuntimeContext().getMetricGroup().counter("stemSegmentsComputed");
        cache = cacheSettings.enabled ? Caches.acquire(cacheSettings) : null;
        mels = new HashMap<>();
        open = new HashMap<>();
        getRuntimeContext()
                .registerUserCodeClassLoaderReleaseHookIfAbsent("aimix-stem-workers", StemParallelism::shutdown);
    }

    @Override
    public void close() throws Exception {
        if (cache != null) {
            Caches.release(cacheSettings);
            cache = null;
        }
        super.close();
    }

    @Override
    public void processElement(SegmentRecord rec, Context ctx, Collector<SegmentRecord> out) throws Exception {
        switch (rec.getKind()) {
            case REGISTRY:
                out.collect(rec); // for the inference operator; belongs to no mix, touches no state
                return;
            case START:
                start(rec.getRequest());
                out.collect(rec);
                return;
            case AUDIO:
                MelState st = state.value();
                if (st == null) {
                    dropped.inc(); // the mix failed further down and its stages were cleared
                    return;
                }
                out.collect(audio(rec, st));
                return;
            default: // END, FAIL
                state.clear();
                open.remove(rec.getMixId());
                out.collect(rec);
        }
    }

    private void start(MixRequest req) {
        open.remove(req.getMixId());
        StemMel mel = mels.computeIfAbsent(
                req.getSampleRate(), sr -> new StemMel(sr, settings.nFft, settings.hop, settings.bands));
        List<Integer> channels = new ArrayList<>();
        List<ByteBuffer> stft = new ArrayList<>();
        List<ByteBuffer> descriptors = new ArrayList<>();
        byte[] initial = mel.initialState();
        for (StemSpec s : req.getStems()) {
            channels.add(s.getChannels());
            stft.add(ByteBuffer.wrap(initial));
            StateWriter w = new StateWriter();
            new StemDescriptors(req.getSampleRate(), s.getChannels(), mel.nFft()).save(w);
            descriptors.add(ByteBuffer.wrap(w.toByteArray()));
        }
        try {
            state.update(new MelState(req.getSampleRate(), channels, stft, 0L, descriptors));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SegmentRecord audio(SegmentRecord rec, MelState st) throws Exception {
        long t0 = System.nanoTime();
        int stems = rec.getAudio().size();
        Streams streams = streams(rec.getMixId(), st);
        int melFrames = streams.mel()[0].framesFor(rec.getFrames(), rec.getLast());
        StemMel mel = melFor(st);
        MelEntry[] found = new MelEntry[stems];
        for (int i = 0; i < stems; i++) {
            found[i] = usable(rec, i, melFrames, streams.descriptors() != null);
        }
        List<Callable<ByteBuffer[]>> tasks = new ArrayList<>(stems);
        for (int i = 0; i < stems; i++) {
            final int stem = i;
            tasks.add(() -> {
                MelEntry hit = found[stem];
                if (hit != null) {
                    // the stream continues from the state stored with the entry, exactly as if computed
                    streams.mel()[stem] = mel.restore(FloatBytes.bytes(hit.stftState()));
                    if (streams.descriptors() != null) {
                        streams.descriptors()[stem] = new StemDescriptors(
                                st.getSampleRate(), st.getChannels().get(stem), mel.nFft());
                        streams.descriptors()[stem].load(new StateReader(FloatBytes.bytes(hit.descriptorState())));
                        streams.mel()[stem].tap(streams.descriptors()[stem].powerTap());
                        return new ByteBuffer[] {hit.mel(), hit.descriptors()};
                    }
                    return new ByteBuffer[] {hit.mel(), null};
                }
                float[] audio = FloatBytes.toArray(rec.getAudio().get(stem));
                float[] values = new float[settings.bands * melFrames];
                StemMel.compute(
                        streams.mel()[stem],
                        audio,
                        st.getChannels().get(stem),
                        rec.getFrames(),
                        rec.getLast(),
                        values,
                        melFrames);
                if (streams.descriptors() == null) {
                    return new ByteBuffer[] {FloatBytes.wrap(values), null};
                }
                float[] described = new float[StemDescriptors.COUNT];
                streams.descriptors()[stem].segment(audio, 0, rec.getFrames(), described, 0);
                return new ByteBuffer[] {FloatBytes.wrap(values), FloatBytes.wrap(described)};
            });
        }
        List<ByteBuffer[]> results = StemParallelism.run(tasks, settings.threads);
        List<ByteBuffer> mels = new ArrayList<>(stems);
        List<ByteBuffer> described = new ArrayList<>(stems);
        for (ByteBuffer[] r : results) {
            mels.add(r[0]);
            if (r[1] != null) {
                described.add(r[1]);
            }
        }
        List<ByteBuffer> states = new ArrayList<>(stems);
        List<ByteBuffer> descriptorStates = new ArrayList<>(stems);
        for (int i = 0; i < stems; i++) {
            states.add(ByteBuffer.wrap(streams.mel()[i].saveState()));
            if (streams.descriptors() != null) {
                StateWriter w = new StateWriter();
                streams.descriptors()[i].save(w);
                descriptorStates.add(ByteBuffer.wrap(w.toByteArray()));
            }
        }
        for (int i = 0; i < stems; i++) {
            if (found[i] != null) {
                reused.inc();
            } else {
                computed.inc();
                store(
                        rec,
                        i,
                        melFrames,
                        mels.get(i),
                        streams.descriptors() != null ? described.get(i) : null,
                        states.get(i),
                        streams.descriptors() != null ? descriptorStates.get(i) : null);
            }
        }
        st.setStft(states);
        st.setDescriptors(descriptorStates);
        st.setFramesEmitted(streams.mel()[0].framesEmitted());
        state.update(st);
        rec.setMelBands(settings.bands);
        rec.setMelFrames(melFrames);
        rec.setMel(mels);
        rec.setDescriptors(described);
        rec.setCachedMel(List.of()); // used: the stages after this one need not carry ~75 KB per stem
        rec.setMelNanos(System.nanoTime() - t0);
        return rec;
    }

    /** The cached entry for a stem of this segment, when there is one of the shape this stage would compute. */
    private MelEntry usable(SegmentRecord rec, int stem, int melFrames, boolean described) {
        if (cache == null || rec.getCachedMel().size() != rec.getAudio().size()) {
            return null;
        }
        MelEntry e = MelEntry.decode(rec.getCachedMel().get(stem));
        if (e == null || e.bands() != settings.bands || e.melFrames() != melFrames) {
            return null;
        }
        boolean entryDescribed = e.descriptorState().hasRemaining();
        return entryDescribed == described ? e : null;
    }

    /** Stores a computed stem segment (fire and forget), keyed by the stem's fingerprint. */
    private void store(
            SegmentRecord rec,
            int stem,
            int melFrames,
            ByteBuffer mel,
            ByteBuffer descriptors,
            ByteBuffer stftState,
            ByteBuffer descriptorState) {
        if (cache == null || rec.getFingerprints().size() != rec.getAudio().size()) {
            return;
        }
        ByteBuffer none = ByteBuffer.allocate(0);
        MelEntry e = new MelEntry(
                settings.bands,
                melFrames,
                mel,
                descriptors == null ? none : descriptors,
                stftState,
                descriptorState == null ? none : descriptorState);
        cache.put(MelEntry.key(settings, rec.getFingerprints().get(stem)), e.encode());
    }

    /**
     * The mix's open streams: kept between segments on this instance while they match the state (always, but for
     * a restore from a checkpoint, which builds a new instance), else restored from the state (descriptors of a
     * state written before they existed start afresh).
     */
    private Streams streams(String mixId, MelState st) {
        Streams cached = open.get(mixId);
        if (cached != null && cached.mel()[0].framesEmitted() == st.getFramesEmitted()) {
            return cached;
        }
        StemMel mel = melFor(st);
        int stems = st.getStft().size();
        StreamingLogMel[] restored = new StreamingLogMel[stems];
        boolean described = st.getDescriptors().size() == stems;
        StemDescriptors[] descriptors = described ? new StemDescriptors[stems] : null;
        for (int i = 0; i < stems; i++) {
            restored[i] = mel.restore(FloatBytes.bytes(st.getStft().get(i)));
            if (described) {
                descriptors[i] =
                        new StemDescriptors(st.getSampleRate(), st.getChannels().get(i), mel.nFft());
                descriptors[i].load(
                        new StateReader(FloatBytes.bytes(st.getDescriptors().get(i))));
                restored[i].tap(descriptors[i].powerTap());
            }
        }
        Streams s = new Streams(restored, descriptors);
        open.put(mixId, s);
        return s;
    }

    private StemMel melFor(MelState st) {
        return mels.computeIfAbsent(
                st.getSampleRate(), sr -> new StemMel(sr, settings.nFft, settings.hop, settings.bands));
    }
}
