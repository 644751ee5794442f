package ai.aimix.dsp.filter;

import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;

/**
 * A cascade of biquads applied to one or two channels in one pass (transposed direct form II, double
 * precision state). Coefficients may be replaced between calls; the state carries over.
 */
public final class BiquadCascade {
    private static final double DENORMAL = 1e-30;

    private final int sections;
    private final int channels;
    private final Biquad[] coefficients;
    /** [channel][section][2]: s1, s2. */
    private final double[] state;

    public BiquadCascade(int sections, int channels) {
        if (channels < 1 || channels > 2) {
            throw new IllegalArgumentException("1 or 2 channels, got " + channels);
        }
        this.sections = sections;
        this.channels = channels;
        this.coefficients = new Biquad[sections];
        java.util.Arrays.fill(coefficients, Biquad.identity());
        this.state = new double[channels * sections * 2];
    }

    public int channels() {
        return channels;
    }

    public void set(int section, Biquad biquad) {
        coefficients[section] = biquad;
    }

    public Biquad get(int section) {
        return coefficients[section];
    }

    /** Filters {@code frames} frames in place; for 2 channels {@code left} and {@code right}, else only left. */
    public void process(float[] left, float[] right, int offset, int frames) {
        for (int s = 0; s < sections; s++) {
            Biquad c = coefficients[s];
            int iL = s * 2;
            int iR = (sections + s) * 2;
            double l1 = state[iL];
            double l2 = state[iL + 1];
            double r1 = channels == 2 ? state[iR] : 0;
            double r2 = channels == 2 ? state[iR + 1] : 0;
            double b0 = c.b0;
            double b1 = c.b1;
            double b2 = c.b2;
            double a1 = c.a1;
            double a2 = c.a2;
            if (channels == 2) {
                for (int i = offset, end = offset + frames; i < end; i++) {
                    double xl = left[i];
                    double xr = right[i];
                    double yl = b0 * xl + l1;
                    double yr = b0 * xr + r1;
                    l1 = b1 * xl - a1 * yl + l2;
                    r1 = b1 * xr - a1 * yr + r2;
                    l2 = b2 * xl - a2 * yl;
                    r2 = b2 * xr - a2 * yr;
                    left[i] = (float) yl;
                    right[i] = (float) yr;
                }
            } else {
                for (int i = offset, end = offset + frames; i < end; i++) {
                    double x = left[i];
                    double y = b0 * x + l1;
                    l1 = b1 * x - a1 * y + l2;
                    l2 = b2 * x - a2 * y;
                    left[i] = (float) y;
                }
            }
            state[iL] = flush(l1);
            state[iL + 1] = flush(l2);
            if (channels == 2) {
                state[iR] = flush(r1);
                state[iR + 1] = flush(r2);
            }
        }
    }

    private static double flush(double v) {
        return Math.abs(v) < DENORMAL ? 0.0 : v;
    }

    public void reset() {
        java.util.Arrays.fill(state, 0);
    }

    public void save(StateWriter out) {
        out.writeDoubles(state);
    }

    public void load(StateReader in) {
        double[] s = in.readDoubles();
        if (s.length != state.length) {
            throw new IllegalStateException("biquad state size " + s.length + ", expected " + state.length);
        }
        System.arraycopy(s, 0, state, 0, s.length);
    }
}
