package ai.aimix.dsp.loudness;

import ai.aimix.dsp.filter.Biquad;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;

/**
 * Streaming loudness meter per ITU-R BS.1770-4, EBU R 128, EBU Tech 3341 ("EBU Mode") and Tech 3342 (loudness
 * range), for up to 5.1 channels.
 *
 * <ul>
 *   <li>Every channel is K-weighted ({@link KWeighting}, designed for the actual sample rate) in double precision;
 *       the weighted mean squares are summed over channels with their {@link ChannelWeights}.</li>
 *   <li>The signal is cut into steps of 10 ms (sample {@code floor(k * rate / 100)} starts step k, so any rate
 *       works). Momentary loudness M is the last 400 ms (40 steps), short-term loudness S the last 3 s (300 steps);
 *       both are updated, and their maxima tracked, at every step: 100 Hz, ten times the minimum rate Tech 3341
 *       asks for, which keeps a burst that is not aligned to the update grid within 0.05 dB (momentary).</li>
 *   <li>Integrated loudness I gates 400 ms blocks taken every 100 ms (75 % overlap): blocks at or below -70 LUFS
 *       are dropped, then blocks at or below (mean of the rest) - 10 LU; I is the mean energy of what remains.</li>
 *   <li>Loudness range LRA (Tech 3342) takes the short-term values every 100 ms (2.9 s overlap), drops those at or
 *       below -70 LUFS and then those at or below (mean energy of the rest) - 20 LU, and reports the difference
 *       between the 95th and the 10th percentile (nearest rank) of the remaining values, in LU.</li>
 * </ul>
 *
 * Values do not depend on how the signal is split into calls. A window that has not been filled yet has no value
 * ({@code NaN}); a window of digital silence reads {@code -Infinity}. The meter's whole state can be saved and
 * restored ({@link #save}, {@link #load}).
 */
public final class LoudnessMeter {
    public static final double ABSOLUTE_GATE_LUFS = -70.0;
    public static final double RELATIVE_GATE_LU = -10.0;
    public static final double LRA_RELATIVE_GATE_LU = -20.0;
    public static final double LRA_LOW_PERCENTILE = 0.10;
    public static final double LRA_HIGH_PERCENTILE = 0.95;
    /** Steps per second: the update rate of M and S. */
    public static final int STEPS_PER_SECOND = 100;

    static final int MOMENTARY_STEPS = 40;
    static final int SHORT_TERM_STEPS = 300;
    /** Gating blocks and LRA's short-term values are taken every 100 ms. */
    static final int BLOCK_HOP_STEPS = 10;
    /** -0.691 dB: makes a 1 kHz sine at 0 dBFS in one channel read -3.01 LUFS (K-weighting's 1 kHz gain). */
    static final double OFFSET = -0.691;
    /** Filter states below this are flushed to zero at step ends, so silence never runs into denormals. */
    private static final double TINY = 1e-25;

    private final double sampleRate;
    private final double[] weights;
    private final double[] shelf;
    private final double[] highPass;
    /** Per channel: shelf s1, s2, high-pass s1, s2 (transposed direct form II). */
    private final double[] filterState;

    private final float[][] scratch;

    private long step;
    private long stepSamples;
    private double stepEnergy;
    /** Weighted sums of squares and sample counts of the last SHORT_TERM_STEPS steps, indexed by step % length. */
    private final double[] ringEnergy = new double[SHORT_TERM_STEPS];

    private final int[] ringSamples = new int[SHORT_TERM_STEPS];
    /** Mean square of every 400 ms gating block so far. */
    private double[] blocks = new double[64];

    private int blockCount;
    /** Mean square of every short-term window taken every 100 ms (LRA's input). */
    private double[] shortTerms = new double[64];

    private int shortTermCount;
    private double momentary = Double.NaN;
    private double shortTerm = Double.NaN;
    private double momentaryMax = Double.NaN;
    private double shortTermMax = Double.NaN;

    /** A meter for the default layout of {@code channels} (see {@link ChannelWeights#forChannels}). */
    public LoudnessMeter(double sampleRate, int channels) {
        this(sampleRate, ChannelWeights.forChannels(channels));
    }

    public LoudnessMeter(double sampleRate, ChannelWeights weights) {
        if (!(sampleRate >= 1000) || Double.isInfinite(sampleRate)) {
            throw new IllegalArgumentException("sample rate must be at least 1000 Hz, got " + sampleRate);
        }
        this.sampleRate = sampleRate;
        this.weights = weights.toArray();
        this.shelf = coefficients(KWeighting.shelf(sampleRate));
        this.highPass = coefficients(KWeighting.highPass(sampleRate));
        this.filterState = new double[4 * this.weights.length];
        this.scratch = new float[this.weights.length][];
    }

    private static double[] coefficients(Biquad b) {
        return new double[] {b.b0, b.b1, b.b2, b.a1, b.a2};
    }

    public int channels() {
        return weights.length;
    }

    public double sampleRate() {
        return sampleRate;
    }

    /** Adds {@code frames} frames of stereo (or, for a mono meter, of {@code left} only). */
    public void push(float[] left, float[] right, int offset, int frames) {
        if (weights.length == 1) {
            push(new float[][] {left}, offset, frames);
        } else if (weights.length == 2) {
            push(new float[][] {left, right}, offset, frames);
        } else {
            throw new IllegalStateException("a " + weights.length + "-channel meter takes planar or interleaved input");
        }
    }

    /** Adds {@code frames} frames given one array per channel, all read from {@code offset}. */
    public void push(float[][] planar, int offset, int frames) {
        if (planar.length != weights.length) {
            throw new IllegalArgumentException(
                    planar.length + " channels given to a " + weights.length + "-channel meter");
        }
        int done = 0;
        while (done < frames) {
            long stepLength = boundary(step + 1) - boundary(step);
            int n = (int) Math.min(stepLength - stepSamples, frames - done);
            double energy = 0;
            if (weights.length == 2 && weights[0] != 0 && weights[1] != 0) {
                // both channels in one loop: the same operations, so the same sums, in half the time
                filterSumOfSquares(planar[0], planar[1], offset + done, n);
                energy += weights[0] * pairSums[0];
                energy += weights[1] * pairSums[1];
            } else {
                for (int c = 0; c < weights.length; c++) {
                    if (weights[c] != 0) {
                        energy += weights[c] * filterSumOfSquares(c, planar[c], offset + done, n);
                    }
                }
            }
            stepEnergy += energy;
            stepSamples += n;
            done += n;
            if (stepSamples == stepLength) {
                completeStep();
            }
        }
    }

    /** Adds {@code frames} interleaved frames starting at frame {@code offsetFrames}. */
    public void pushInterleaved(float[] interleaved, int offsetFrames, int frames) {
        int ch = weights.length;
        int block = 4096;
        for (int c = 0; c < ch; c++) {
            if (scratch[c] == null) {
                scratch[c] = new float[block];
            }
        }
        for (int from = 0; from < frames; from += block) {
            int n = Math.min(block, frames - from);
            int base = (offsetFrames + from) * ch;
            for (int c = 0; c < ch; c++) {
                float[] s = scratch[c];
                for (int i = 0; i < n; i++) {
                    s[i] = interleaved[base + i * ch + c];
                }
            }
            push(scratch, 0, n);
        }
    }

    /** First sample of step k. */
    private long boundary(long k) {
        return (long) Math.floor(k * sampleRate / STEPS_PER_SECOND);
    }

    private double filterSumOfSquares(int channel, float[] x, int from, int n) {
        double[] k1 = shelf;
        double[] k2 = highPass;
        double b0 = k1[0], b1 = k1[1], b2 = k1[2], a1 = k1[3], a2 = k1[4];
        double c0 = k2[0], c1 = k2[1], c2 = k2[2], d1 = k2[3], d2 = k2[4];
        int s = 4 * channel;
        double s1 = filterState[s];
        double s2 = filterState[s + 1];
        double t1 = filterState[s + 2];
        double t2 = filterState[s + 3];
        double sum = 0;
        for (int i = from, end = from + n; i < end; i++) {
            double in = x[i];
            double y = b0 * in + s1;
            s1 = b1 * in - a1 * y + s2;
            s2 = b2 * in - a2 * y;
            double z = c0 * y + t1;
            t1 = c1 * y - d1 * z + t2;
            t2 = c2 * y - d2 * z;
            sum += z * z;
        }
        filterState[s] = s1;
        filterState[s + 1] = s2;
        filterState[s + 2] = t1;
        filterState[s + 3] = t2;
        return sum;
    }

    /** The two sums of {@link #filterSumOfSquares(float[], float[], int, int)}. */
    private final double[] pairSums = new double[2];

    /**
     * {@link #filterSumOfSquares(int, float[], int, int)} of channels 0 and 1 in one loop, into {@link #pairSums}: each
     * channel's filter is a chain of dependent operations, and two independent chains interleaved keep the core busy
     * where one leaves it waiting on each result. Each channel's operations and their order are those of the one-channel
     * loop, so the results are identical.
     */
    private void filterSumOfSquares(float[] x, float[] y, int from, int n) {
        double[] k1 = shelf;
        double[] k2 = highPass;
        double b0 = k1[0], b1 = k1[1], b2 = k1[2], a1 = k1[3], a2 = k1[4];
        double c0 = k2[0], c1 = k2[1], c2 = k2[2], d1 = k2[3], d2 = k2[4];
        double s1 = filterState[0], s2 = filterState[1], t1 = filterState[2], t2 = filterState[3];
        double u1 = filterState[4], u2 = filterState[5], v1 = filterState[6], v2 = filterState[7];
        double sum = 0;
        double sumY = 0;
        for (int i = from, end = from + n; i < end; i++) {
            double in = x[i];
            double inY = y[i];
            double p = b0 * in + s1;
            double q = b0 * inY + u1;
            s1 = b1 * in - a1 * p + s2;
            u1 = b1 * inY - a1 * q + u2;
            s2 = b2 * in - a2 * p;
            u2 = b2 * inY - a2 * q;
            double z = c0 * p + t1;
            double w = c0 * q + v1;
            t1 = c1 * p - d1 * z + t2;
            v1 = c1 * q - d1 * w + v2;
            t2 = c2 * p - d2 * z;
            v2 = c2 * q - d2 * w;
            sum += z * z;
            sumY += w * w;
        }
        filterState[0] = s1;
        filterState[1] = s2;
        filterState[2] = t1;
        filterState[3] = t2;
        filterState[4] = u1;
        filterState[5] = u2;
        filterState[6] = v1;
        filterState[7] = v2;
        pairSums[0] = sum;
        pairSums[1] = sumY;
    }

    private void completeStep() {
        int slot = (int) (step % SHORT_TERM_STEPS);
        ringEnergy[slot] = stepEnergy;
        ringSamples[slot] = (int) stepSamples;
        step++;
        stepEnergy = 0;
        stepSamples = 0;
        for (int i = 0; i < filterState.length; i++) {
            if (Math.abs(filterState[i]) < TINY) {
                filterState[i] = 0;
            }
        }
        if (step >= MOMENTARY_STEPS) {
            momentary = windowMeanSquare(MOMENTARY_STEPS);
            momentaryMax = Double.isNaN(momentaryMax) ? momentary : Math.max(momentaryMax, momentary);
            if (step % BLOCK_HOP_STEPS == 0) {
                blocks = append(blocks, blockCount++, momentary);
            }
        }
        if (step >= SHORT_TERM_STEPS) {
            shortTerm = windowMeanSquare(SHORT_TERM_STEPS);
            shortTermMax = Double.isNaN(shortTermMax) ? shortTerm : Math.max(shortTermMax, shortTerm);
            if (step % BLOCK_HOP_STEPS == 0) {
                shortTerms = append(shortTerms, shortTermCount++, shortTerm);
            }
        }
    }

    /** Weighted mean square of the last {@code steps} complete steps. */
    private double windowMeanSquare(int steps) {
        double energy = 0;
        long samples = 0;
        for (long k = step - steps; k < step; k++) {
            int slot = (int) (k % SHORT_TERM_STEPS);
            energy += ringEnergy[slot];
            samples += ringSamples[slot];
        }
        return energy / samples;
    }

    private static double[] append(double[] a, int at, double v) {
        double[] out = at == a.length ? Arrays.copyOf(a, a.length * 2) : a;
        out[at] = v;
        return out;
    }

    /** LUFS of a K-weighted, channel-weighted mean square ({@code -Infinity} for 0, NaN stays NaN). */
    public static double toLufs(double meanSquare) {
        return OFFSET + 10 * Math.log10(meanSquare);
    }

    static double fromLufs(double lufs) {
        return Math.pow(10, (lufs - OFFSET) / 10);
    }

    /** Seconds of audio measured so far. */
    public double seconds() {
        return (boundary(step) + stepSamples) / sampleRate;
    }

    /** Momentary loudness M of the last 400 ms (as of the last 10 ms step); NaN before 400 ms. */
    public double momentaryLufs() {
        return toLufs(momentary);
    }

    /** Short-term loudness S of the last 3 s (as of the last 10 ms step); NaN before 3 s. */
    public double shortTermLufs() {
        return toLufs(shortTerm);
    }

    /** Largest M so far; NaN before 400 ms. */
    public double momentaryMaxLufs() {
        return toLufs(momentaryMax);
    }

    /** Largest S so far; NaN before 3 s. */
    public double shortTermMaxLufs() {
        return toLufs(shortTermMax);
    }

    /**
     * The loudest 400 ms gating block from block {@code fromBlock} on, LUFS: the momentary maximum of a stretch of the
     * stream at the blocks' 100 ms spacing; NaN when the stretch has no complete block yet.
     */
    public double momentaryMaxLufs(int fromBlock) {
        if (fromBlock < 0) {
            throw new IllegalArgumentException("fromBlock " + fromBlock);
        }
        double max = Double.NaN;
        for (int b = fromBlock; b < blockCount; b++) {
            max = Double.isNaN(max) ? blocks[b] : Math.max(max, blocks[b]);
        }
        return toLufs(max);
    }

    /** Number of complete 400 ms gating blocks so far. */
    public int blocks() {
        return blockCount;
    }

    /**
     * Integrated (gated) loudness I in LUFS; {@code -Infinity} when no gating block passes the absolute gate
     * (silence, or nothing louder than -70 LUFS), NaN before the first 400 ms block.
     */
    public double integratedLufs() {
        return integratedLufs(0);
    }

    /**
     * Integrated (gated) loudness of the gating blocks from block {@code fromBlock} on (see {@link #blocks()}): the
     * loudness of a stretch of the stream, gated as {@link #integratedLufs()} gates all of it; {@code -Infinity} when
     * no block of the stretch passes the absolute gate, NaN when it has no complete block yet.
     */
    public double integratedLufs(int fromBlock) {
        if (fromBlock < 0) {
            throw new IllegalArgumentException("fromBlock " + fromBlock);
        }
        if (blockCount <= fromBlock) {
            return Double.NaN;
        }
        double absolute = fromLufs(ABSOLUTE_GATE_LUFS);
        double sum = 0;
        int count = 0;
        for (int b = fromBlock; b < blockCount; b++) {
            if (blocks[b] > absolute) {
                sum += blocks[b];
                count++;
            }
        }
        if (count == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double relative = sum / count * Math.pow(10, RELATIVE_GATE_LU / 10);
        double gated = 0;
        int kept = 0;
        for (int b = fromBlock; b < blockCount; b++) {
            if (blocks[b] > absolute && blocks[b] > relative) {
                gated += blocks[b];
                kept++;
            }
        }
        return toLufs(gated / kept);
    }

    /**
     * Loudness range LRA in LU (EBU Tech 3342); NaN when no short-term value (3 s window) passes the gates:
     * the programme is shorter than 3 s, or silent.
     */
    public double loudnessRangeLu() {
        double absolute = fromLufs(ABSOLUTE_GATE_LUFS);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < shortTermCount; i++) {
            if (shortTerms[i] > absolute) {
                sum += shortTerms[i];
                count++;
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        double relative = sum / count * Math.pow(10, LRA_RELATIVE_GATE_LU / 10);
        double[] kept = new double[count];
        int n = 0;
        for (int i = 0; i < shortTermCount; i++) {
            if (shortTerms[i] > absolute && shortTerms[i] > relative) {
                kept[n++] = toLufs(shortTerms[i]);
            }
        }
        Arrays.sort(kept, 0, n);
        double low = kept[(int) ((n - 1) * LRA_LOW_PERCENTILE + 0.5)];
        double high = kept[(int) ((n - 1) * LRA_HIGH_PERCENTILE + 0.5)];
        return high - low;
    }

    public void save(StateWriter w) {
        w.writeDoubles(filterState);
        w.writeLong(step).writeLong(stepSamples).writeDouble(stepEnergy);
        w.writeDoubles(ringEnergy);
        for (int s : ringSamples) {
            w.writeInt(s);
        }
        w.writeDoubles(blocks, blockCount).writeDoubles(shortTerms, shortTermCount);
        w.writeDouble(momentary)
                .writeDouble(shortTerm)
                .writeDouble(momentaryMax)
                .writeDouble(shortTermMax);
    }

    public void load(StateReader r) {
        double[] f = r.readDoubles();
        if (f.length != filterState.length) {
            throw new IllegalStateException(
                    "saved meter has " + f.length / 4 + " channels, this one " + weights.length);
        }
        System.arraycopy(f, 0, filterState, 0, f.length);
        step = r.readLong();
        stepSamples = r.readLong();
        stepEnergy = r.readDouble();
        System.arraycopy(r.readDoubles(), 0, ringEnergy, 0, SHORT_TERM_STEPS);
        for (int i = 0; i < SHORT_TERM_STEPS; i++) {
            ringSamples[i] = r.readInt();
        }
        double[] b = r.readDoubles();
        blocks = Arrays.copyOf(b, Math.max(64, b.length));
        blockCount = b.length;
        double[] s = r.readDoubles();
        shortTerms = Arrays.copyOf(s, Math.max(64, s.length));
        shortTermCount = s.length;
        momentary = r.readDouble();
        shortTerm = r.readDouble();
        momentaryMax = r.readDouble();
        shortTermMax = r.readDouble();
    }
}
