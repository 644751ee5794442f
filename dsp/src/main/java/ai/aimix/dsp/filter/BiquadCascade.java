package ai.aimix.dsp.filter;

import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;

/**
 * A cascade of biquads applied to one or two channels (direct form I, double precision arithmetic and state).
 * Direct form I keeps the sample-to-sample dependency to one multiply-add per section, and all sections of both
 * channels run in one pass over the samples, so the recursions overlap in the CPU's pipeline. Coefficients may be
 * replaced between calls; the state carries over.
 */
public final class BiquadCascade {
    private static final double DENORMAL = 1e-30;

    private static final Biquad IDENTITY = Biquad.identity();

    private final int sections;
    private final int channels;
    private final Biquad[] coefficients;
    /** [channel][section][4]: x[n-1], x[n-2], y[n-1], y[n-2]. */
    private final double[] state;

    public BiquadCascade(int sections, int channels) {
        if (channels < 1 || channels > 2) {
            throw new IllegalArgumentException("1 or 2 channels, got " + channels);
        }
        if (sections < 1 || sections > 3) {
            throw new IllegalArgumentException("1 to 3 sections, got " + sections);
        }
        this.sections = sections;
        this.channels = channels;
        this.coefficients = new Biquad[3];
        Arrays.fill(coefficients, Biquad.identity());
        this.state = new double[channels * 3 * 4];
    }

    public int channels() {
        return channels;
    }

    public void set(int section, Biquad biquad) {
        if (section >= sections) {
            throw new IndexOutOfBoundsException("section " + section + " of " + sections);
        }
        coefficients[section] = biquad;
    }

    public Biquad get(int section) {
        return coefficients[section];
    }

    /**
     * Filters {@code frames} frames in place; for 2 channels {@code left} and {@code right}, else only left. A
     * section that is exactly the identity (as an RBJ filter at 0 dB is, to the bit) and whose state already follows
     * its input is skipped: its output is its input, computed exactly rather than with rounding.
     */
    public void process(float[] left, float[] right, int offset, int frames) {
        if (frames <= 0) {
            return;
        }
        int[] active = activeSections();
        if (active.length == 0) {
            // every section passes its input on: keep the state consistent (x[n-1], x[n-2] = y[n-1], y[n-2] = the
            // last inputs) so a later change starts cleanly
            followInput(left, 0, offset, frames);
            if (channels == 2) {
                followInput(right, 12, offset, frames);
            }
            return;
        }
        if (channels == 2) {
            runStereo(active, left, right, offset, frames);
        } else {
            run(active, left, 0, offset, frames);
        }
        for (int i = 0; i < state.length; i++) {
            if (Math.abs(state[i]) < DENORMAL) {
                state[i] = 0.0;
            }
        }
    }

    /** The sections that filter: all but the identities whose state follows their input (in order). */
    private int[] activeSections() {
        int mask = 0;
        for (int s = 0; s < sections; s++) {
            if (!passesThrough(s)) {
                mask |= 1 << s;
            }
        }
        return BY_MASK[mask];
    }

    /** For each set of sections (bit s: section s), their indices in order: made once, nothing allocated per call. */
    private static final int[][] BY_MASK = new int[8][];

    static {
        for (int mask = 0; mask < 8; mask++) {
            int[] a = new int[Integer.bitCount(mask)];
            int k = 0;
            for (int s = 0; s < 3; s++) {
                if ((mask >> s & 1) != 0) {
                    a[k++] = s;
                }
            }
            BY_MASK[mask] = a;
        }
    }

    private boolean passesThrough(int section) {
        Biquad c = coefficients[section];
        if (c.b0 != 1.0 || c.b1 != c.a1 || c.b2 != c.a2) {
            return false;
        }
        for (int ch = 0; ch < channels; ch++) {
            int o = ch * 12 + 4 * section;
            if (state[o] != state[o + 2] || state[o + 1] != state[o + 3]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Both channels through the active sections in one loop: up to six independent recursions overlap. The terms
     * that do not depend on this sample are summed first so that each new value enters last.
     */
    private void runStereo(int[] active, float[] left, float[] right, int offset, int frames) {
        Biquad c0 = coefficients[active[0]];
        Biquad c1 = active.length > 1 ? coefficients[active[1]] : IDENTITY;
        Biquad c2 = active.length > 2 ? coefficients[active[2]] : IDENTITY;
        final double p0 = c0.b0, p1 = c0.b1, p2 = c0.b2, p3 = c0.a1, p4 = c0.a2;
        final double q0 = c1.b0, q1 = c1.b1, q2 = c1.b2, q3 = c1.a1, q4 = c1.a2;
        final double r0 = c2.b0, r1 = c2.b1, r2 = c2.b2, r3 = c2.a1, r4 = c2.a2;
        // input history, then each active section's output history
        double lx1 = state[4 * active[0]], lx2 = state[4 * active[0] + 1];
        double ly1 = outputHistory(0, active, 0, 1), ly2 = outputHistory(0, active, 0, 2);
        double lu1 = outputHistory(0, active, 1, 1), lu2 = outputHistory(0, active, 1, 2);
        double lv1 = outputHistory(0, active, 2, 1), lv2 = outputHistory(0, active, 2, 2);
        double rx1 = state[12 + 4 * active[0]], rx2 = state[12 + 4 * active[0] + 1];
        double ry1 = outputHistory(12, active, 0, 1), ry2 = outputHistory(12, active, 0, 2);
        double ru1 = outputHistory(12, active, 1, 1), ru2 = outputHistory(12, active, 1, 2);
        double rv1 = outputHistory(12, active, 2, 1), rv2 = outputHistory(12, active, 2, 2);
        int end = offset + frames;
        if (active.length == 3) {
            for (int i = offset; i < end; i++) {
                double il = left[i];
                double ir = right[i];
                double yl = (p1 * lx1 + p2 * lx2 - p4 * ly2) + p0 * il - p3 * ly1;
                double yr = (p1 * rx1 + p2 * rx2 - p4 * ry2) + p0 * ir - p3 * ry1;
                double ul = (q1 * ly1 + q2 * ly2 - q4 * lu2) + q0 * yl - q3 * lu1;
                double ur = (q1 * ry1 + q2 * ry2 - q4 * ru2) + q0 * yr - q3 * ru1;
                double vl = (r1 * lu1 + r2 * lu2 - r4 * lv2) + r0 * ul - r3 * lv1;
                double vr = (r1 * ru1 + r2 * ru2 - r4 * rv2) + r0 * ur - r3 * rv1;
                lx2 = lx1;
                lx1 = il;
                ly2 = ly1;
                ly1 = yl;
                lu2 = lu1;
                lu1 = ul;
                lv2 = lv1;
                lv1 = vl;
                rx2 = rx1;
                rx1 = ir;
                ry2 = ry1;
                ry1 = yr;
                ru2 = ru1;
                ru1 = ur;
                rv2 = rv1;
                rv1 = vr;
                left[i] = (float) vl;
                right[i] = (float) vr;
            }
        } else if (active.length == 2) {
            for (int i = offset; i < end; i++) {
                double il = left[i];
                double ir = right[i];
                double yl = (p1 * lx1 + p2 * lx2 - p4 * ly2) + p0 * il - p3 * ly1;
                double yr = (p1 * rx1 + p2 * rx2 - p4 * ry2) + p0 * ir - p3 * ry1;
                double ul = (q1 * ly1 + q2 * ly2 - q4 * lu2) + q0 * yl - q3 * lu1;
                double ur = (q1 * ry1 + q2 * ry2 - q4 * ru2) + q0 * yr - q3 * ru1;
                lx2 = lx1;
                lx1 = il;
                ly2 = ly1;
                ly1 = yl;
                lu2 = lu1;
                lu1 = ul;
                rx2 = rx1;
                rx1 = ir;
                ry2 = ry1;
                ry1 = yr;
                ru2 = ru1;
                ru1 = ur;
                left[i] = (float) ul;
                right[i] = (float) ur;
            }
        } else {
            for (int i = offset; i < end; i++) {
                double il = left[i];
                double ir = right[i];
                double yl = (p1 * lx1 + p2 * lx2 - p4 * ly2) + p0 * il - p3 * ly1;
                double yr = (p1 * rx1 + p2 * rx2 - p4 * ry2) + p0 * ir - p3 * ry1;
                lx2 = lx1;
                lx1 = il;
                ly2 = ly1;
                ly1 = yl;
                rx2 = rx1;
                rx1 = ir;
                ry2 = ry1;
                ry1 = yr;
                left[i] = (float) yl;
                right[i] = (float) yr;
            }
        }
        store(0, active, lx1, lx2, ly1, ly2, lu1, lu2, lv1, lv2);
        store(12, active, rx1, rx2, ry1, ry2, ru1, ru2, rv1, rv2);
    }

    /** The {@code k}-th active section's output history ({@code lag} 1 or 2); 0 past the active ones. */
    private double outputHistory(int base, int[] active, int k, int lag) {
        return k < active.length ? state[base + 4 * active[k] + 1 + lag] : 0.0;
    }

    /**
     * Stores a channel's state after a run over the active sections: per section s, at base + 4s, its input history
     * (x1, x2) and its output history (y1, y2); a skipped section's output is its input.
     */
    private void store(
            int base,
            int[] active,
            double x1,
            double x2,
            double y1,
            double y2,
            double u1,
            double u2,
            double v1,
            double v2) {
        double s1 = x1;
        double s2 = x2;
        int k = 0;
        for (int s = 0; s < 3; s++) {
            int o = base + 4 * s;
            state[o] = s1;
            state[o + 1] = s2;
            if (k < active.length && active[k] == s) {
                // the k-th active section's output history
                s1 = k == 0 ? y1 : k == 1 ? u1 : v1;
                s2 = k == 0 ? y2 : k == 1 ? u2 : v2;
                k++;
            }
            state[o + 2] = s1;
            state[o + 3] = s2;
        }
    }

    /** One channel through the active sections. */
    private void run(int[] active, float[] x, int base, int offset, int frames) {
        Biquad c0 = coefficients[active[0]];
        Biquad c1 = active.length > 1 ? coefficients[active[1]] : IDENTITY;
        Biquad c2 = active.length > 2 ? coefficients[active[2]] : IDENTITY;
        final double p0 = c0.b0, p1 = c0.b1, p2 = c0.b2, p3 = c0.a1, p4 = c0.a2;
        final double q0 = c1.b0, q1 = c1.b1, q2 = c1.b2, q3 = c1.a1, q4 = c1.a2;
        final double r0 = c2.b0, r1 = c2.b1, r2 = c2.b2, r3 = c2.a1, r4 = c2.a2;
        double x1 = state[base + 4 * active[0]], x2 = state[base + 4 * active[0] + 1];
        double y1 = outputHistory(base, active, 0, 1), y2 = outputHistory(base, active, 0, 2);
        double u1 = outputHistory(base, active, 1, 1), u2 = outputHistory(base, active, 1, 2);
        double v1 = outputHistory(base, active, 2, 1), v2 = outputHistory(base, active, 2, 2);
        int end = offset + frames;
        if (active.length == 1) {
            for (int i = offset; i < end; i++) {
                double in = x[i];
                double y = (p1 * x1 + p2 * x2 - p4 * y2) + p0 * in - p3 * y1;
                x2 = x1;
                x1 = in;
                y2 = y1;
                y1 = y;
                x[i] = (float) y;
            }
        } else if (active.length == 2) {
            for (int i = offset; i < end; i++) {
                double in = x[i];
                double y = (p1 * x1 + p2 * x2 - p4 * y2) + p0 * in - p3 * y1;
                double u = (q1 * y1 + q2 * y2 - q4 * u2) + q0 * y - q3 * u1;
                x2 = x1;
                x1 = in;
                y2 = y1;
                y1 = y;
                u2 = u1;
                u1 = u;
                x[i] = (float) u;
            }
        } else {
            for (int i = offset; i < end; i++) {
                double in = x[i];
                double y = (p1 * x1 + p2 * x2 - p4 * y2) + p0 * in - p3 * y1;
                double u = (q1 * y1 + q2 * y2 - q4 * u2) + q0 * y - q3 * u1;
                double v = (r1 * u1 + r2 * u2 - r4 * v2) + r0 * u - r3 * v1;
                x2 = x1;
                x1 = in;
                y2 = y1;
                y1 = y;
                u2 = u1;
                u1 = u;
                v2 = v1;
                v1 = v;
                x[i] = (float) v;
            }
        }
        store(base, active, x1, x2, y1, y2, u1, u2, v1, v2);
    }

    private void followInput(float[] x, int base, int offset, int frames) {
        double x1 = x[offset + frames - 1];
        double x2 = frames > 1 ? x[offset + frames - 2] : state[base];
        for (int s = 0; s < 3; s++) {
            int o = base + 4 * s;
            state[o] = x1;
            state[o + 1] = x2;
            state[o + 2] = x1;
            state[o + 3] = x2;
        }
    }

    public void reset() {
        Arrays.fill(state, 0);
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
