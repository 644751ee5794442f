package ai.aimix.clients.audio;

/** Interleaved float samples (full scale 1.0) with their rate and channel count. */
public final class Audio {
    private final int sampleRate;
    private final int channels;
    private final float[] samples;

    public Audio(int sampleRate, int channels, float[] samples) {
        if (channels < 1 || samples.length % channels != 0) {
            throw new IllegalArgumentException(samples.length + " samples do not make whole " + channels
                    + "-channel frames");
        }
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.samples = samples;
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
