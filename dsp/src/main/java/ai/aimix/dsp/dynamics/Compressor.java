package ai.aimix.dsp.dynamics;

import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;

/**
 * Feed-forward, stereo-linked compressor computed per block of samples: the block's peak level goes through the
 * static curve (threshold, ratio, soft knee) and the resulting gain reduction is smoothed in dB with separate
 * attack and release time constants (Giannoulis, Massberg and Reiss, "Digital Dynamic Range Compressor Design",
 * JAES 2012: smooth branching detector on the gain computer's output). Within a block the linear gain moves in a
 * straight line from the previous block's value, so there are no steps. Block boundaries must fall at the same
 * absolute sample positions however the signal is split for the result to be split-invariant.
 */
public final class Compressor {
    private static final double MIN_LEVEL = 1e-10;

    private final double sampleRate;
    private final int blockFrames;
    private final double attackSeconds;
    private final double releaseSeconds;
    private final double kneeDb;
    private final double fullBlockAttack;
    private final double fullBlockRelease;

    private double reductionDb;
    private double gain = 1.0;

    public Compressor(double sampleRate, int blockFrames, double attackMs, double releaseMs, double kneeDb) {
        this.sampleRate = sampleRate;
        this.blockFrames = blockFrames;
        this.attackSeconds = attackMs / 1000.0;
        this.releaseSeconds = releaseMs / 1000.0;
        this.kneeDb = kneeDb;
        this.fullBlockAttack = coefficient(blockFrames, attackSeconds);
        this.fullBlockRelease = coefficient(blockFrames, releaseSeconds);
    }

    private double coefficient(int frames, double seconds) {
        return seconds <= 0 ? 0.0 : Math.exp(-frames / (seconds * sampleRate));
    }

    public int blockFrames() {
        return blockFrames;
    }

    /**
     * The static curve: gain change in dB (zero or negative) for an input level in dBFS. Below the knee the
     * signal passes; above it the output rises 1/ratio dB per dB; within the knee a quadratic joins the two.
     */
    public static double staticGainDb(double levelDb, double thresholdDb, double ratio, double kneeDb) {
        double over = levelDb - thresholdDb;
        if (ratio <= 1.0 || 2 * over < -kneeDb) {
            return 0.0;
        }
        if (2 * Math.abs(over) <= kneeDb && kneeDb > 0) {
            double d = over + kneeDb / 2;
            return (1 / ratio - 1) * d * d / (2 * kneeDb);
        }
        return (1 / ratio - 1) * over;
    }

    /**
     * Compresses one block of at most {@link #blockFrames()} frames in place ({@code right} null for mono).
     */
    public void processBlock(float[] left, float[] right, int offset, int frames, double thresholdDb, double ratio) {
        if (ratio <= 1.0 && reductionDb == 0.0 && gain == 1.0) {
            return; // no compression asked for and none to release: the static curve gives 0 dB whatever the level
        }
        float peak = 0f;
        for (int i = offset, end = offset + frames; i < end; i++) {
            peak = Math.max(peak, Math.abs(left[i]));
        }
        if (right != null) {
            for (int i = offset, end = offset + frames; i < end; i++) {
                peak = Math.max(peak, Math.abs(right[i]));
            }
        }
        double levelDb = 20 * Math.log10(Math.max(peak, MIN_LEVEL));
        double target = staticGainDb(levelDb, thresholdDb, ratio, kneeDb);
        double coef;
        if (target < reductionDb) {
            coef = frames == blockFrames ? fullBlockAttack : coefficient(frames, attackSeconds);
        } else {
            coef = frames == blockFrames ? fullBlockRelease : coefficient(frames, releaseSeconds);
        }
        reductionDb = coef * reductionDb + (1 - coef) * target;
        if (reductionDb > -1e-9) {
            reductionDb = 0.0;
        }
        double next = reductionDb == 0.0 ? 1.0 : Math.pow(10, reductionDb / 20);
        double previous = gain;
        if (next == 1.0 && previous == 1.0) {
            return;
        }
        double step = (next - previous) / frames;
        for (int i = 0; i < frames; i++) {
            float g = (float) (previous + step * (i + 1));
            left[offset + i] *= g;
            if (right != null) {
                right[offset + i] *= g;
            }
        }
        gain = next;
    }

    /** Current smoothed gain reduction, dB (zero or negative). */
    public double reductionDb() {
        return reductionDb;
    }

    public void save(StateWriter out) {
        out.writeDouble(reductionDb).writeDouble(gain);
    }

    public void load(StateReader in) {
        reductionDb = in.readDouble();
        gain = in.readDouble();
    }
}
