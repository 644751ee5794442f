package ai.aimix.dsp.loudness;

import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;

/**
 * Sample peak and true peak (ITU-R BS.1770-4 Annex 2 method: 4x oversampling, then the absolute maximum) of a
 * stereo or mono stream. The interpolator is a 49-tap Kaiser-windowed sinc (beta 7, cut-off at the original
 * Nyquist frequency), split into four polyphase branches; branch 0 reproduces the input samples, so the true
 * peak is never below the sample peak.
 */
public final class TruePeakMeter {
    public static final int FACTOR = 4;
    private static final int TAPS = 49;
    private static final int HISTORY = (TAPS + FACTOR - 1) / FACTOR; // 13 input samples per branch at most

    private static final float[][] PHASES = design();

    private final int channels;
    /** Last HISTORY-1 input samples per channel, oldest first. */
    private final float[][] history;
    private float[] work = new float[0];
    private float[] acc = new float[0];
    private float samplePeak;
    private float truePeak;

    public TruePeakMeter(int channels) {
        this.channels = channels;
        this.history = new float[channels][HISTORY - 1];
    }

    private static float[][] design() {
        double beta = 7.0;
        double center = (TAPS - 1) / 2.0;
        double i0beta = besselI0(beta);
        double[] h = new double[TAPS];
        for (int n = 0; n < TAPS; n++) {
            double x = (n - center) / FACTOR;
            double sinc = x == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
            double r = (n - center) / center;
            double kaiser = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0beta;
            h[n] = sinc * kaiser;
        }
        // branch p holds taps p, p + 4, ...; output phase p of input n is sum_k h[p + 4k] x[n - k]
        float[][] phases = new float[FACTOR][];
        for (int p = 0; p < FACTOR; p++) {
            int count = (TAPS - p + FACTOR - 1) / FACTOR;
            phases[p] = new float[count];
            for (int k = 0; k < count; k++) {
                phases[p][k] = (float) h[p + FACTOR * k];
            }
        }
        return phases;
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
        }
        return sum;
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
        }
        float tp = truePeak;
        for (int p = 0; p < FACTOR; p++) {
            float[] c = PHASES[p];
            // tap-outer, sample-inner: simple loops the JIT vectorises
            java.util.Arrays.fill(acc, 0, frames, 0f);
            for (int k = 0; k < c.length; k++) {
                float ck = c[k];
                int base = h - k;
                for (int i = 0; i < frames; i++) {
                    acc[i] += ck * work[base + i];
                }
            }
            for (int i = 0; i < frames; i++) {
                float v = Math.abs(acc[i]);
                if (v > tp) {
                    tp = v;
                }
            }
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
