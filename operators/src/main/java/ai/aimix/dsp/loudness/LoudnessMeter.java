package ai.aimix.dsp.loudness;

import ai.aimix.dsp.filter.BiquadCascade;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;

/**
 * Streaming programme loudness per ITU-R BS.1770-4 / EBU R128 for mono or stereo: K-weighted mean square per
 * 100 ms sub-block; 400 ms gating blocks overlapping by 75 % (four consecutive sub-blocks); integrated loudness
 * gated at -70 LUFS absolute and -10 LU relative. The value is available at any moment and does not depend on
 * how the signal was split into calls. Sub-block length is round(rate / 10) samples, as libebur128 uses.
 */
public final class LoudnessMeter {
    public static final double ABSOLUTE_GATE_LUFS = -70.0;
    public static final double RELATIVE_GATE_LU = -10.0;
    private static final double OFFSET = -0.691;

    private final int channels;
    private final int subBlock;
    private final BiquadCascade[] filters;
    private final float[] scratchL;
    private final float[] scratchR;

    /** Sum of squares of the current (incomplete) sub-block, per channel weight 1 (L, R). */
    private double partial;
    private int partialCount;
    /** Completed sub-block sums of squares (channel sum), in order. */
    private double[] subBlocks = new double[64];
    private int subBlockCount;

    public LoudnessMeter(double sampleRate, int channels) {
        if (channels < 1 || channels > 2) {
            throw new IllegalArgumentException("1 or 2 channels, got " + channels);
        }
        this.channels = channels;
        this.subBlock = (int) Math.round(sampleRate / 10.0);
        BiquadCascade k = new BiquadCascade(2, channels);
        k.set(0, KWeighting.shelf(sampleRate));
        k.set(1, KWeighting.highPass(sampleRate));
        this.filters = new BiquadCascade[] {k};
        this.scratchL = new float[4096];
        this.scratchR = new float[4096];
    }

    /** Adds frames ({@code right} ignored for mono). */
    public void push(float[] left, float[] right, int offset, int frames) {
        int done = 0;
        while (done < frames) {
            int n = Math.min(scratchL.length, frames - done);
            System.arraycopy(left, offset + done, scratchL, 0, n);
            if (channels == 2) {
                System.arraycopy(right, offset + done, scratchR, 0, n);
            }
            filters[0].process(scratchL, scratchR, 0, n);
            int i = 0;
            while (i < n) {
                int take = Math.min(n - i, subBlock - partialCount);
                double s = 0;
                for (int j = i; j < i + take; j++) {
                    double l = scratchL[j];
                    s += l * l;
                }
                if (channels == 2) {
                    for (int j = i; j < i + take; j++) {
                        double r = scratchR[j];
                        s += r * r;
                    }
                }
                partial += s;
                partialCount += take;
                i += take;
                if (partialCount == subBlock) {
                    if (subBlockCount == subBlocks.length) {
                        subBlocks = java.util.Arrays.copyOf(subBlocks, subBlocks.length * 2);
                    }
                    subBlocks[subBlockCount++] = partial;
                    partial = 0;
                    partialCount = 0;
                }
            }
            done += n;
        }
    }

    /** Number of complete 400 ms gating blocks so far. */
    public int blocks() {
        return Math.max(0, subBlockCount - 3);
    }

    /** Integrated (gated) loudness in LUFS; negative infinity when no block passes the absolute gate. */
    public double integratedLufs() {
        int n = blocks();
        if (n == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double norm = 1.0 / (4.0 * subBlock);
        double absGate = Math.pow(10, (ABSOLUTE_GATE_LUFS - OFFSET) / 10);
        double sum = 0;
        int count = 0;
        double window = subBlocks[0] + subBlocks[1] + subBlocks[2];
        double[] energies = new double[n];
        for (int b = 0; b < n; b++) {
            window += subBlocks[b + 3];
            double z = window * norm;
            energies[b] = z;
            window -= subBlocks[b];
            if (z > absGate) {
                sum += z;
                count++;
            }
        }
        if (count == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double relGate = sum / count * Math.pow(10, RELATIVE_GATE_LU / 10);
        double gatedSum = 0;
        int gated = 0;
        for (double z : energies) {
            if (z > absGate && z > relGate) {
                gatedSum += z;
                gated++;
            }
        }
        return gated == 0 ? Double.NEGATIVE_INFINITY : OFFSET + 10 * Math.log10(gatedSum / gated);
    }

    public void save(StateWriter w) {
        filters[0].save(w);
        w.writeDouble(partial).writeInt(partialCount).writeDoubles(subBlocks, subBlockCount);
    }

    public void load(StateReader r) {
        filters[0].load(r);
        partial = r.readDouble();
        partialCount = r.readInt();
        double[] s = r.readDoubles();
        subBlocks = java.util.Arrays.copyOf(s, Math.max(64, s.length));
        subBlockCount = s.length;
    }
}
