package ai.aimix.dsp.mix;

import ai.aimix.dsp.dynamics.Compressor;
import ai.aimix.dsp.filter.Biquad;
import ai.aimix.dsp.filter.BiquadCascade;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;

/**
 * One stem's channel strip: low shelf, mid peak and high shelf EQ, compressor, gain, constant-power pan, summed
 * into the stereo bus. Parameters change at segment starts and are ramped linearly over the ramp length: gain and
 * pan per sample, EQ coefficients and compressor settings per block. All state carries across segments.
 */
final class StemChain {
    private final RenderSettings s;
    private final int channels;
    private final BiquadCascade eq;
    private final Compressor compressor;
    /** Parameters in force at the end of the previous segment; null before the first. */
    private float[] previous;

    StemChain(RenderSettings settings, int channels) {
        this.s = settings;
        this.channels = channels;
        this.eq = new BiquadCascade(3, channels);
        this.compressor = new Compressor(
                settings.sampleRate,
                settings.blockFrames,
                settings.compAttackMs,
                settings.compReleaseMs,
                settings.compKneeDb);
    }

    /**
     * Processes {@code frames} frames of interleaved input from frame {@code offset} of {@code in} with target
     * parameters {@code target} and writes the stem's stereo contribution to {@code outL} / {@code outR}.
     * {@code left} and {@code right} are scratch buffers of at least {@code frames}. When {@code reductionDb} is not
     * null it receives, per compressor block, the compressor's gain reduction at the block's end (dB, zero or
     * negative): the gain change it applied, for display.
     */
    void render(
            float[] in,
            int offset,
            int frames,
            float[] target,
            float[] outL,
            float[] outR,
            float[] left,
            float[] right,
            float[] reductionDb) {
        float[] from = previous == null ? target : previous;
        // de-interleave
        if (channels == 2) {
            for (int i = 0, j = 2 * offset; i < frames; i++, j += 2) {
                left[i] = in[j];
                right[i] = in[j + 1];
            }
        } else {
            System.arraycopy(in, offset, left, 0, frames);
        }
        float[] r = channels == 2 ? right : null;
        int ramp = previous == null ? 0 : Math.min(s.rampFrames, frames);
        boolean changing = !Arrays.equals(from, target);
        float[] p = new float[MixParams.COUNT];

        // EQ: per block while ramping, then in one pass
        int i = 0;
        if (changing && ramp > 0) {
            for (; i < ramp; i += s.blockFrames) {
                int n = Math.min(s.blockFrames, frames - i);
                interpolate(from, target, Math.min(1.0, (double) (i + n) / ramp), p);
                setEq(p);
                eq.process(left, r == null ? left : r, i, n);
            }
        }
        setEq(target);
        if (i < frames) {
            eq.process(left, r == null ? left : r, i, frames - i);
        }

        // compressor, per block
        for (int b = 0; b < frames; b += s.blockFrames) {
            int n = Math.min(s.blockFrames, frames - b);
            double threshold;
            double ratio;
            if (changing && b < ramp) {
                double f = Math.min(1.0, (double) (b + n) / ramp);
                threshold = from[MixParams.COMP_THRESHOLD_DB]
                        + f * (target[MixParams.COMP_THRESHOLD_DB] - from[MixParams.COMP_THRESHOLD_DB]);
                ratio = from[MixParams.COMP_RATIO] + f * (target[MixParams.COMP_RATIO] - from[MixParams.COMP_RATIO]);
            } else {
                threshold = target[MixParams.COMP_THRESHOLD_DB];
                ratio = target[MixParams.COMP_RATIO];
            }
            compressor.processBlock(left, r, b, n, threshold, ratio);
            if (reductionDb != null) {
                reductionDb[b / s.blockFrames] = (float) compressor.reductionDb();
            }
        }

        // gain and pan, per sample while ramping
        double g0 = MixParams.dbToLinear(from[MixParams.GAIN_DB]);
        double g1 = MixParams.dbToLinear(target[MixParams.GAIN_DB]);
        double[] pan0 = PanLaw.gains(from[MixParams.PAN], channels);
        double[] pan1 = PanLaw.gains(target[MixParams.PAN], channels);
        int rampEnd = changing ? ramp : 0;
        for (int k = 0; k < rampEnd; k++) {
            double f = (double) (k + 1) / ramp;
            double g = g0 + f * (g1 - g0);
            float gl = (float) (g * (pan0[0] + f * (pan1[0] - pan0[0])));
            float gr = (float) (g * (pan0[1] + f * (pan1[1] - pan0[1])));
            float xl = left[k];
            float xr = channels == 2 ? right[k] : xl;
            outL[k] = gl * xl;
            outR[k] = gr * xr;
        }
        float gl = (float) (g1 * pan1[0]);
        float gr = (float) (g1 * pan1[1]);
        if (channels == 2) {
            for (int k = rampEnd; k < frames; k++) {
                outL[k] = gl * left[k];
                outR[k] = gr * right[k];
            }
        } else {
            for (int k = rampEnd; k < frames; k++) {
                outL[k] = gl * left[k];
                outR[k] = gr * left[k];
            }
        }
        previous = target.clone();
    }

    private static void interpolate(float[] a, float[] b, double f, float[] out) {
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (a[k] + f * (b[k] - a[k]));
        }
    }

    private void setEq(float[] p) {
        eq.set(0, Biquad.lowShelf(s.sampleRate, s.lowShelfHz, s.shelfSlope, p[MixParams.LOW_SHELF_DB]));
        eq.set(1, Biquad.peaking(s.sampleRate, s.midPeakHz, s.midPeakQ, p[MixParams.MID_PEAK_DB]));
        eq.set(2, Biquad.highShelf(s.sampleRate, s.highShelfHz, s.shelfSlope, p[MixParams.HIGH_SHELF_DB]));
    }

    double compressorReductionDb() {
        return compressor.reductionDb();
    }

    void save(StateWriter w) {
        w.writeBoolean(previous != null);
        if (previous != null) {
            w.writeFloats(previous);
        }
        eq.save(w);
        compressor.save(w);
    }

    void load(StateReader r) {
        previous = r.readBoolean() ? r.readFloats() : null;
        eq.load(r);
        compressor.load(r);
    }
}
