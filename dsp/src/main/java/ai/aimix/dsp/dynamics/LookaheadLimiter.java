package ai.aimix.dsp.dynamics;

import ai.aimix.dsp.loudness.Oversampler;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;

/**
 * Stereo-linked look-ahead true-peak limiter. Each input sample's peak is estimated on the 4x oversampled signal
 * (the {@link Oversampler} of the true-peak meter), so peaks between samples count too. The gain each sample needs
 * to stay under the ceiling is minimised over a window of D + 1 samples and then averaged over the same window:
 * the gain reaches every peak's requirement by the time the peak leaves the delay line, and moves smoothly
 * (attack about D samples). Gain recovers with a one-pole release. A final clip at the ceiling catches float
 * rounding only. Output lags input by D plus the oversampler's delay; {@link #flush} drains the delay line.
 */
public final class LookaheadLimiter {
    private final int lookahead;
    private final int window;
    /** Audio delay: the look-ahead plus the oversampler's delay. */
    private final int delay;

    private final float ceiling;
    private final double releaseCoef;

    /** Delay lines, length delay + 1. */
    private final float[] delayL;

    private final float[] delayR;
    /** Oversampler input: the last HISTORY - 1 samples per channel, then the block. */
    private final float[] historyL = new float[Oversampler.HISTORY - 1];

    private final float[] historyR = new float[Oversampler.HISTORY - 1];
    private float[] work = new float[0];
    private float[] acc = new float[0];
    private float[] peaks = new float[0];
    /** Required gain of the last window samples (ring, same position). */
    private final float[] required;
    /** Sliding-minimum values of the last window samples (ring) and their running sum. */
    private final double[] minima;

    private double minimaSum;
    /** Monotonic deque over required[], as absolute sample indices. */
    private final long[] deque;

    private int dequeHead;
    private int dequeSize;

    private long samples;
    private double gain = 1.0;
    private double deepestReduction = 1.0;

    public LookaheadLimiter(double sampleRate, double lookaheadMs, double releaseMs, double ceilingDbfs) {
        this.lookahead = Math.max(1, (int) Math.round(lookaheadMs / 1000.0 * sampleRate));
        this.window = lookahead + 1;
        this.delay = lookahead + Oversampler.DELAY;
        this.ceiling = (float) Math.pow(10, ceilingDbfs / 20);
        this.releaseCoef = Math.exp(-1.0 / (releaseMs / 1000.0 * sampleRate));
        this.delayL = new float[delay + 1];
        this.delayR = new float[delay + 1];
        this.required = new float[window];
        this.minima = new double[window];
        this.deque = new long[window];
        Arrays.fill(required, 1f);
        Arrays.fill(minima, 1.0);
        this.minimaSum = window;
    }

    /** Latency in samples. */
    public int latency() {
        return delay;
    }

    public float ceiling() {
        return ceiling;
    }

    /** Deepest gain reduction applied so far, dB (0 = never engaged). */
    public double maxReductionDb() {
        return 20 * Math.log10(deepestReduction);
    }

    /**
     * Pushes {@code frames} frames and writes the same number of (delayed) output frames, interleaved stereo,
     * into {@code out} from {@code outOffset}. The first {@link #latency()} outputs of a stream are the initial
     * silence of the delay line; callers drop them.
     */
    public void process(float[] left, float[] right, int offset, int frames, float[] out, int outOffset) {
        estimatePeaks(left, right, offset, frames);
        int ring = delay + 1;
        for (int i = 0; i < frames; i++) {
            float l = left[offset + i];
            float r = right[offset + i];
            int pos = (int) (samples % window);
            int dpos = (int) (samples % ring);
            delayL[dpos] = l;
            delayR[dpos] = r;
            // the sample written `delay` steps ago sits in the next slot of the ring
            int outPos = dpos + 1 == ring ? 0 : dpos + 1;
            float outL = delayL[outPos];
            float outR = delayR[outPos];

            // sliding minimum of the required gain over the last `window` samples: first drop the index
            // leaving the window (it shares slot pos with this sample), then keep the deque increasing
            if (dequeSize > 0 && deque[dequeHead] <= samples - window) {
                dequeHead = dequeHead + 1 == window ? 0 : dequeHead + 1;
                dequeSize--;
            }
            // the oversampled peak around the sample Oversampler.DELAY steps back
            float peak = peaks[i];
            float need = peak > ceiling ? ceiling / peak : 1f;
            required[pos] = need;
            while (dequeSize > 0 && required[(int) (deque[(dequeHead + dequeSize - 1) % window] % window)] >= need) {
                dequeSize--;
            }
            deque[(dequeHead + dequeSize) % window] = samples;
            dequeSize++;
            double min = required[(int) (deque[dequeHead] % window)];
            minimaSum += min - minima[pos];
            minima[pos] = min;
            double smooth = minimaSum / window;
            double g = smooth < gain ? smooth : releaseCoef * gain + (1 - releaseCoef) * smooth;
            if (g > smooth) {
                g = smooth;
            }
            gain = g;
            if (g < deepestReduction) {
                deepestReduction = g;
            }
            float yl = (float) (outL * g);
            float yr = (float) (outR * g);
            out[outOffset + 2 * i] = clip(yl);
            out[outOffset + 2 * i + 1] = clip(yr);
            samples++;
        }
    }

    /** Drains the delay line: writes {@link #latency()} frames, interleaved, pushing silence in. */
    public void flush(float[] out, int outOffset) {
        float[] zeros = new float[delay];
        process(zeros, zeros, 0, delay, out, outOffset);
    }

    /** peaks[i] = the larger channel's oversampled peak for new sample i (see {@link ai.aimix.dsp.loudness.Oversampler}). */
    private void estimatePeaks(float[] left, float[] right, int offset, int frames) {
        int h = historyL.length;
        if (work.length < h + frames) {
            work = new float[h + frames];
            acc = new float[frames];
            peaks = new float[frames];
        }
        Arrays.fill(peaks, 0, frames, 0f);
        float[][] hist = {historyL, historyR};
        float[][] in = {left, right};
        for (int c = 0; c < 2; c++) {
            System.arraycopy(hist[c], 0, work, 0, h);
            System.arraycopy(in[c], offset, work, h, frames);
            Oversampler.peaks(work, frames, peaks, acc);
            System.arraycopy(work, frames, hist[c], 0, h);
        }
    }

    private float clip(float v) {
        return v > ceiling ? ceiling : (v < -ceiling ? -ceiling : v);
    }

    public void save(StateWriter w) {
        w.writeLong(samples).writeDouble(gain).writeDouble(deepestReduction).writeDouble(minimaSum);
        w.writeFloats(delayL).writeFloats(delayR).writeFloats(required).writeDoubles(minima);
        w.writeFloats(historyL).writeFloats(historyR);
    }

    public void load(StateReader r) {
        samples = r.readLong();
        gain = r.readDouble();
        deepestReduction = r.readDouble();
        minimaSum = r.readDouble();
        r.readFloatsInto(delayL);
        r.readFloatsInto(delayR);
        r.readFloatsInto(required);
        double[] m = r.readDoubles();
        System.arraycopy(m, 0, minima, 0, window);
        r.readFloatsInto(historyL);
        r.readFloatsInto(historyR);
        // rebuild the monotonic deque from the last `window` required values (a pure function of them)
        dequeHead = 0;
        dequeSize = 0;
        for (long s = Math.max(0, samples - window + 1); s < samples; s++) {
            float need = required[(int) (s % window)];
            while (dequeSize > 0 && required[(int) (deque[dequeSize - 1] % window)] >= need) {
                dequeSize--;
            }
            deque[dequeSize++] = s;
        }
    }
}
