package ai.aimix.dsp.loudness;

import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;

/**
 * Sample peak and true peak (ITU-R BS.1770-4 Annex 2 method: 4x oversampling with {@link Oversampler}, then the
 * absolute maximum) of a stereo or mono stream. The oversampled signal contains the input samples, so the true
 * peak is never below the sample peak.
 */
public final class TruePeakMeter {
    public static final int FACTOR = Oversampler.FACTOR;
    private static final int HISTORY = Oversampler.HISTORY;

    private final int channels;
    /** Last HISTORY-1 input samples per channel, oldest first. */
    private final float[][] history;

    private float[] work = new float[0];
    private float[] acc = new float[0];
    private float[] peaks = new float[0];
    private float samplePeak;
    private float truePeak;

    public TruePeakMeter(int channels) {
        this.channels = channels;
        this.history = new float[channels][HISTORY - 1];
    }

    /** Adds frames of one channel at a time: {@code channel} 0 (left or mono) or 1 (right). */
    public void push(int channel, float[] samples, int offset, int frames) {
        float[] hist = history[channel];
        int h = hist.length;
        if (work.length < h + frames) {
            work = new float[h + frames];
        }
        System.arraycopy(hist, 0, work, 0, h);
        System.arraycopy(samples, offset, work, h, frames);
        float sp = samplePeak;
        for (int i = 0; i < frames; i++) {
            sp = Math.max(sp, Math.abs(samples[offset + i]));
        }
        samplePeak = sp;
        if (acc.length < frames) {
            acc = new float[frames];
            peaks = new float[frames];
        }
        Arrays.fill(peaks, 0, frames, 0f);
        Oversampler.peaks(work, frames, peaks, acc);
        float tp = truePeak;
        for (int i = 0; i < frames; i++) {
            tp = Math.max(tp, peaks[i]);
        }
        truePeak = Math.max(tp, sp);
        System.arraycopy(work, frames, hist, 0, h);
    }

    /** Adds interleaved stereo frames (or mono when channels is 1). */
    public void pushInterleaved(float[] interleaved, int offsetFrames, int frames) {
        float[] ch = new float[frames];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < frames; i++) {
                ch[i] = interleaved[(offsetFrames + i) * channels + c];
            }
            push(c, ch, 0, frames);
        }
    }

    public float samplePeak() {
        return samplePeak;
    }

    public float truePeak() {
        return truePeak;
    }

    public static double toDb(float linear) {
        return linear <= 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(linear);
    }

    public void save(StateWriter w) {
        w.writeFloat(samplePeak).writeFloat(truePeak);
        for (float[] hist : history) {
            w.writeFloats(hist);
        }
    }

    public void load(StateReader r) {
        samplePeak = r.readFloat();
        truePeak = r.readFloat();
        for (float[] hist : history) {
            r.readFloatsInto(hist);
        }
    }
}
