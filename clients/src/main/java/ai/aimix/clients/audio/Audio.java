package ai.aimix.clients.audio;

/**
 * Interleaved float samples (full scale 1.0) with their rate, channel count and, when the file declared one, the
 * WAVE_FORMAT_EXTENSIBLE speaker mask (0: positions not declared).
 */
public final class Audio {
    private final int sampleRate;
    private final int channels;
    private final float[] samples;
    private final int channelMask;

    public Audio(int sampleRate, int channels, float[] samples) {
        this(sampleRate, channels, samples, 0);
    }

    public Audio(int sampleRate, int channels, float[] samples, int channelMask) {
        if (channels < 1 || samples.length % channels != 0) {
            throw new IllegalArgumentException(
                    samples.length + " samples do not make whole " + channels + "-channel frames");
        }
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.samples = samples;
        this.channelMask = channelMask;
    }

    /** The WAVE_FORMAT_EXTENSIBLE dwChannelMask, or 0 when the positions were not declared. */
    public int channelMask() {
        return channelMask;
    }

    /** One channel as its own array. */
    public float[] channel(int c) {
        float[] out = new float[frames()];
        for (int i = 0; i < out.length; i++) {
            out[i] = samples[i * channels + c];
        }
        return out;
    }

    /** Every channel as its own array (planar). */
    public float[][] planar() {
        float[][] out = new float[channels][];
        for (int c = 0; c < channels; c++) {
            out[c] = channel(c);
        }
        return out;
    }

    /** The first interleaved sample that is NaN or infinite, or -1. */
    public long firstNonFinite() {
        for (int i = 0; i < samples.length; i++) {
            if (!Float.isFinite(samples[i])) {
                return i;
            }
        }
        return -1;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int channels() {
        return channels;
    }

    public float[] samples() {
        return samples;
    }

    public int frames() {
        return samples.length / channels;
    }

    public double seconds() {
        return (double) frames() / sampleRate;
    }
}
