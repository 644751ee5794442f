package ai.aimix.dsp.loudness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The EBU loudness test signals are 1 kHz sines (levels in dBFS of the sine's peak, per channel) in sequences of
 * segments. This builds them as planar channels, phase-continuous across segments, with silence where a channel's
 * level is null.
 */
final class ToneSequence {
    static final double FREQUENCY = 1000;
    private final int sampleRate;
    private final int channels;
    private final List<double[]> segments = new ArrayList<>();

    ToneSequence(int sampleRate, int channels) {
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    /** A segment of {@code seconds} with the same level in every channel (NaN: silence). */
    ToneSequence add(double seconds, double dbfs) {
        double[] levels = new double[channels];
        Arrays.fill(levels, dbfs);
        return add(seconds, levels);
    }

    /** A segment with one level per channel (NaN: silence in that channel). */
    ToneSequence add(double seconds, double... dbfsPerChannel) {
        double[] s = new double[channels + 1];
        s[0] = seconds;
        System.arraycopy(dbfsPerChannel, 0, s, 1, channels);
        segments.add(s);
        return this;
    }

    ToneSequence silence(double seconds) {
        return add(seconds, Double.NaN);
    }

    int frames() {
        long n = 0;
        for (double[] s : segments) {
            n += Math.round(s[0] * sampleRate);
        }
        return (int) n;
    }

    float[][] planar() {
        float[][] out = new float[channels][frames()];
        int at = 0;
        for (double[] s : segments) {
            int n = (int) Math.round(s[0] * sampleRate);
            for (int c = 0; c < channels; c++) {
                double level = s[c + 1];
                if (Double.isNaN(level)) {
                    continue;
                }
                double a = Math.pow(10, level / 20);
                for (int i = 0; i < n; i++) {
                    out[c][at + i] = (float) (a * Math.sin(2 * Math.PI * FREQUENCY * (at + i) / sampleRate));
                }
            }
            at += n;
        }
        return out;
    }

    /** Measures the whole sequence in one go. */
    LoudnessMeter measure(ChannelWeights weights) {
        LoudnessMeter m = new LoudnessMeter(sampleRate, weights);
        float[][] x = planar();
        m.push(x, 0, x[0].length);
        return m;
    }

    LoudnessMeter measure() {
        return measure(ChannelWeights.forChannels(channels));
    }
}
