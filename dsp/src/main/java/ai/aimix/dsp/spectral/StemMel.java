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
        this.bank = BANKS.computeIfAbsent(
                sampleRate + "/" + nFft + "/" + bands, k -> MelFilterbank.librosaDefault(sampleRate, nFft, bands));
        this.nFft = nFft;
        this.hop = hop;
    }

    public int bands() {
        return bank.bands();
    }

    /** The transform length: what a tap of the stream's spectra ({@link StreamingLogMel#tap}) is sized for. */
    public int nFft() {
        return nFft;
    }

    /** State of a stem that has not started. */
    public byte[] initialState() {
        return new StreamingLogMel(bank, nFft, hop).saveState();
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
    public static int compute(
            StreamingLogMel stream,
            float[] audio,
            int channels,
            int frames,
            boolean last,
            float[] melOut,
            int melFrames) {
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
}
