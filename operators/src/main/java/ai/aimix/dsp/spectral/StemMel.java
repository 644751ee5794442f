package ai.aimix.dsp.spectral;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model's view of a stem segment: the channel-mean signal's log-mel spectrogram, continued from the
 * previous segment's saved state. Plain Java, used by the mix job's log-mel stage.
 */
public final class StemMel {
    private static final Map<String, MelFilterbank> BANKS = new ConcurrentHashMap<>();

    private final MelFilterbank bank;
    private final int nFft;
    private final int hop;

    public StemMel(double sampleRate, int nFft, int hop, int bands) {
        this.bank = BANKS.computeIfAbsent(sampleRate + "/" + nFft + "/" + bands,
                k -> MelFilterbank.librosaDefault(sampleRate, nFft, bands));
        this.nFft = nFft;
        this.hop = hop;
    }

    public int bands() {
        return bank.bands();
    }

    /** State of a stem that has not started. */
    public byte[] initialState() {
        return new StreamingLogMel(bank, nFft, hop).saveState();
    }

    /** Frames a segment of {@code frames} frames yields after {@code state} (the same for every stem of a mix). */
    public int framesFor(byte[] state, int frames, boolean last) {
        StreamingLogMel s = new StreamingLogMel(bank, nFft, hop);
        s.loadState(state);
        return s.framesFor(frames, last);
    }

    /** A stream restored from a saved state. */
    public StreamingLogMel restore(byte[] state) {
        StreamingLogMel s = new StreamingLogMel(bank, nFft, hop);
        s.loadState(state);
        return s;
    }

    /**
     * Computes one segment of one stem on an open stream (which then holds the new state).
     *
     * @return mel frames emitted
     */
    public static int compute(StreamingLogMel stream, float[] audio, int channels, int frames, boolean last,
                              float[] melOut, int melFrames) {
        float[] mono = monoOf(audio, channels, frames);
        int emitted = stream.push(mono, 0, frames, last, melOut, melFrames, 0);
        if (emitted != melFrames) {
            throw new IllegalStateException("expected " + melFrames + " mel frames, computed " + emitted);
        }
        return emitted;
    }

    private static float[] monoOf(float[] audio, int channels, int frames) {
        if (channels == 1) {
            return audio;
        }
        float[] mono = new float[frames];
        float scale = 1f / channels;
        for (int i = 0; i < frames; i++) {
            float sum = 0f;
            for (int c = 0; c < channels; c++) {
                sum += audio[i * channels + c];
            }
            mono[i] = sum * scale;
        }
        return mono;
    }

    /**
     * Computes one segment of one stem.
     *
     * @param audio     interleaved samples, {@code channels} channels, {@code frames} frames
     * @param melOut    receives bands x melFrames log-mel values (dB), band-major
     * @return the stem's new state
     */
    public byte[] compute(float[] audio, int channels, int frames, boolean last, byte[] state, float[] melOut,
                          int melFrames) {
        float[] mono = monoOf(audio, channels, frames);
        StreamingLogMel s = new StreamingLogMel(bank, nFft, hop);
        s.loadState(state);
        int emitted = s.push(mono, 0, frames, last, melOut, melFrames, 0);
        if (emitted != melFrames) {
            throw new IllegalStateException("expected " + melFrames + " mel frames, computed " + emitted);
        }
        return s.saveState();
    }
}
