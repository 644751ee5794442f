package ai.aimix.operators.mel;

import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.dsp.spectral.StreamingLogMel;
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
 * dB), keyed by mix id. Each stem's streaming-STFT state is kept between segments so frames continue across
 * segment boundaries exactly as over one array. State is created on START and cleared on END or FAIL.
 */
public class LogMelFunction extends KeyedProcessFunction<String, SegmentRecord, SegmentRecord> {
    private static final long serialVersionUID = 1L;

    private final MelSettings settings;
    private transient ValueState<MelState> state;
    private transient Counter dropped;
    private transient Map<Integer, StemMel> mels;
    private transient Map<String, StreamingLogMel[]> open;

    public LogMelFunction(MelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("mel", MelState.class));
        dropped = getRuntimeContext().getMetricGroup().counter("segmentsOfEndedMixes");
        mels = new HashMap<>();
        open = new HashMap<>();
        getRuntimeContext()
                .registerUserCodeClassLoaderReleaseHookIfAbsent("aimix-stem-workers", StemParallelism::shutdown);
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
        byte[] initial = mel.initialState();
        for (StemSpec s : req.getStems()) {
            channels.add(s.getChannels());
            stft.add(ByteBuffer.wrap(initial));
        }
        try {
            state.update(new MelState(req.getSampleRate(), channels, stft, 0L));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SegmentRecord audio(SegmentRecord rec, MelState st) throws Exception {
        long t0 = System.nanoTime();
        int stems = rec.getAudio().size();
        StreamingLogMel[] streams = streams(rec.getMixId(), st);
        int melFrames = streams[0].framesFor(rec.getFrames(), rec.getLast());
        List<Callable<ByteBuffer>> tasks = new ArrayList<>(stems);
        for (int i = 0; i < stems; i++) {
            final int stem = i;
            tasks.add(() -> {
                float[] audio = FloatBytes.toArray(rec.getAudio().get(stem));
                float[] values = new float[settings.bands * melFrames];
                StemMel.compute(
                        streams[stem],
                        audio,
                        st.getChannels().get(stem),
                        rec.getFrames(),
                        rec.getLast(),
                        values,
                        melFrames);
                return FloatBytes.wrap(values);
            });
        }
        List<ByteBuffer> mels = StemParallelism.run(tasks, settings.threads);
        List<ByteBuffer> states = new ArrayList<>(stems);
        for (StreamingLogMel s : streams) {
            states.add(ByteBuffer.wrap(s.saveState()));
        }
        st.setStft(states);
        st.setFramesEmitted(streams[0].framesEmitted());
        state.update(st);
        rec.setMelBands(settings.bands);
        rec.setMelFrames(melFrames);
        rec.setMel(mels);
        rec.setMelNanos(System.nanoTime() - t0);
        return rec;
    }

    /**
     * The mix's open streams: kept between segments on this instance while they match the state (always, but for
     * a restore from a checkpoint, which builds a new instance), else restored from the state.
     */
    private StreamingLogMel[] streams(String mixId, MelState st) {
        StreamingLogMel[] cached = open.get(mixId);
        if (cached != null && cached[0].framesEmitted() == st.getFramesEmitted()) {
            return cached;
        }
        StemMel mel = melFor(st);
        StreamingLogMel[] restored = new StreamingLogMel[st.getStft().size()];
        for (int i = 0; i < restored.length; i++) {
            restored[i] = mel.restore(FloatBytes.bytes(st.getStft().get(i)));
        }
        open.put(mixId, restored);
        return restored;
    }

    private StemMel melFor(MelState st) {
        return mels.computeIfAbsent(
                st.getSampleRate(), sr -> new StemMel(sr, settings.nFft, settings.hop, settings.bands));
    }
}
