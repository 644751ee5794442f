package ai.aimix.dsp.mix;

import java.io.Serializable;

/**
 * Everything the renderer needs besides the audio and the per-stem parameters. Values come from the job's
 * configuration (ConfigOptions in the jobs module) and from the request (loudness target, ceiling).
 */
public final class RenderSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Defaults of the renderer (the job's options refer to these; docs/CONFIGURATION.md lists them). */
    public static final double DEFAULT_SAMPLE_RATE = 48000;

    public static final int DEFAULT_SEGMENT_FRAMES = 65536;
    public static final int DEFAULT_RAMP_FRAMES = 2048;
    public static final int DEFAULT_BLOCK_FRAMES = 32;
    public static final double DEFAULT_LOW_SHELF_HZ = 100.0;
    public static final double DEFAULT_MID_PEAK_HZ = 1000.0;
    public static final double DEFAULT_MID_PEAK_Q = 1.0;
    public static final double DEFAULT_HIGH_SHELF_HZ = 8000.0;
    public static final double DEFAULT_SHELF_SLOPE = 1.0;
    public static final double DEFAULT_COMP_ATTACK_MS = 10.0;
    public static final double DEFAULT_COMP_RELEASE_MS = 120.0;
    public static final double DEFAULT_COMP_KNEE_DB = 6.0;
    public static final double DEFAULT_TARGET_LUFS = -14.0;
    public static final double DEFAULT_CEILING_DBFS = -1.0;
    public static final double DEFAULT_MAX_MASTER_GAIN_DB = 12.0;
    public static final double DEFAULT_MIN_MASTER_GAIN_DB = -30.0;
    public static final double DEFAULT_LIMITER_LOOKAHEAD_MS = 2.0;
    public static final double DEFAULT_LIMITER_RELEASE_MS = 60.0;
    /** EQ corner frequencies are kept below this fraction of the sample rate (for low-rate material). */
    public static final double MAX_EQ_FRACTION_OF_RATE = 0.45;

    public final double sampleRate;
    /** Parameters change at multiples of this many frames; every segment but the last has exactly this length. */
    public final int segmentFrames;
    /** Parameter changes are ramped linearly over this many frames from the segment start. */
    public final int rampFrames;
    /** Compressor and coefficient-update block; divides segmentFrames. */
    public final int blockFrames;

    public final double lowShelfHz;
    public final double midPeakHz;
    public final double midPeakQ;
    public final double highShelfHz;
    public final double shelfSlope;
    public final double compAttackMs;
    public final double compReleaseMs;
    public final double compKneeDb;
    public final double targetLufs;
    public final double ceilingDbfs;
    public final double maxMasterGainDb;
    public final double minMasterGainDb;
    public final double limiterLookaheadMs;
    public final double limiterReleaseMs;

    private RenderSettings(Builder b) {
        this.sampleRate = b.sampleRate;
        this.segmentFrames = b.segmentFrames;
        this.rampFrames = b.rampFrames;
        this.blockFrames = b.blockFrames;
        this.lowShelfHz = b.lowShelfHz;
        this.midPeakHz = b.midPeakHz;
        this.midPeakQ = b.midPeakQ;
        this.highShelfHz = b.highShelfHz;
        this.shelfSlope = b.shelfSlope;
        this.compAttackMs = b.compAttackMs;
        this.compReleaseMs = b.compReleaseMs;
        this.compKneeDb = b.compKneeDb;
        this.targetLufs = b.targetLufs;
        this.ceilingDbfs = b.ceilingDbfs;
        this.maxMasterGainDb = b.maxMasterGainDb;
        this.minMasterGainDb = b.minMasterGainDb;
        this.limiterLookaheadMs = b.limiterLookaheadMs;
        this.limiterReleaseMs = b.limiterReleaseMs;
        if (segmentFrames <= 0 || blockFrames <= 0 || segmentFrames % blockFrames != 0) {
            throw new IllegalArgumentException("segment frames " + segmentFrames + " must be a positive multiple of "
                    + "the block size " + blockFrames);
        }
        if (rampFrames < 0 || rampFrames > segmentFrames) {
            throw new IllegalArgumentException("ramp frames " + rampFrames + " must be within 0.." + segmentFrames);
        }
        double nyquist = sampleRate / 2;
        if (highShelfHz >= nyquist || midPeakHz >= nyquist || lowShelfHz >= nyquist) {
            throw new IllegalArgumentException(
                    "EQ frequencies must be below " + nyquist + " Hz at " + sampleRate + " Hz");
        }
    }

    /** The settings at the renderer's defaults, at {@link #DEFAULT_SAMPLE_RATE} (a template for {@link #forRequest}). */
    public static RenderSettings defaults() {
        return builder(DEFAULT_SAMPLE_RATE).build();
    }

    /**
     * These settings for one request: its sample rate (EQ corners kept below {@link #MAX_EQ_FRACTION_OF_RATE} of
     * it), and its loudness target and ceiling where it sets them (null: these settings' own).
     */
    public RenderSettings forRequest(int rate, Float requestLufs, Float requestCeilingDbfs) {
        double cap = MAX_EQ_FRACTION_OF_RATE * rate;
        return toBuilder()
                .sampleRate(rate)
                .eq(
                        Math.min(lowShelfHz, cap),
                        Math.min(midPeakHz, cap),
                        midPeakQ,
                        Math.min(highShelfHz, cap),
                        shelfSlope)
                .targetLufs(requestLufs == null ? targetLufs : requestLufs)
                .ceilingDbfs(requestCeilingDbfs == null ? ceilingDbfs : requestCeilingDbfs)
                .build();
    }

    public static Builder builder(double sampleRate) {
        return new Builder(sampleRate);
    }

    public Builder toBuilder() {
        Builder b = new Builder(sampleRate);
        b.segmentFrames = segmentFrames;
        b.rampFrames = rampFrames;
        b.blockFrames = blockFrames;
        b.lowShelfHz = lowShelfHz;
        b.midPeakHz = midPeakHz;
        b.midPeakQ = midPeakQ;
        b.highShelfHz = highShelfHz;
        b.shelfSlope = shelfSlope;
        b.compAttackMs = compAttackMs;
        b.compReleaseMs = compReleaseMs;
        b.compKneeDb = compKneeDb;
        b.targetLufs = targetLufs;
        b.ceilingDbfs = ceilingDbfs;
        b.maxMasterGainDb = maxMasterGainDb;
        b.minMasterGainDb = minMasterGainDb;
        b.limiterLookaheadMs = limiterLookaheadMs;
        b.limiterReleaseMs = limiterReleaseMs;
        return b;
    }

    /** Defaults as documented in docs/ARCHITECTURE.md; every one is a job option. */
    public static final class Builder {

        private double sampleRate;
        private int segmentFrames = DEFAULT_SEGMENT_FRAMES;
        private int rampFrames = DEFAULT_RAMP_FRAMES;
        private int blockFrames = DEFAULT_BLOCK_FRAMES;
        private double lowShelfHz = DEFAULT_LOW_SHELF_HZ;
        private double midPeakHz = DEFAULT_MID_PEAK_HZ;
        private double midPeakQ = DEFAULT_MID_PEAK_Q;
        private double highShelfHz = DEFAULT_HIGH_SHELF_HZ;
        private double shelfSlope = DEFAULT_SHELF_SLOPE;
        private double compAttackMs = DEFAULT_COMP_ATTACK_MS;
        private double compReleaseMs = DEFAULT_COMP_RELEASE_MS;
        private double compKneeDb = DEFAULT_COMP_KNEE_DB;
        private double targetLufs = DEFAULT_TARGET_LUFS;
        private double ceilingDbfs = DEFAULT_CEILING_DBFS;
        private double maxMasterGainDb = DEFAULT_MAX_MASTER_GAIN_DB;
        private double minMasterGainDb = DEFAULT_MIN_MASTER_GAIN_DB;
        private double limiterLookaheadMs = DEFAULT_LIMITER_LOOKAHEAD_MS;
        private double limiterReleaseMs = DEFAULT_LIMITER_RELEASE_MS;

        private Builder(double sampleRate) {
            this.sampleRate = sampleRate;
        }

        public Builder sampleRate(double v) {
            sampleRate = v;
            return this;
        }

        public Builder segmentFrames(int v) {
            segmentFrames = v;
            return this;
        }

        public Builder rampFrames(int v) {
            rampFrames = v;
            return this;
        }

        public Builder blockFrames(int v) {
            blockFrames = v;
            return this;
        }

        public Builder eq(double lowShelf, double midPeak, double midQ, double highShelf, double slope) {
            lowShelfHz = lowShelf;
            midPeakHz = midPeak;
            midPeakQ = midQ;
            highShelfHz = highShelf;
            shelfSlope = slope;
            return this;
        }

        public Builder compressor(double attackMs, double releaseMs, double kneeDb) {
            compAttackMs = attackMs;
            compReleaseMs = releaseMs;
            compKneeDb = kneeDb;
            return this;
        }

        public Builder targetLufs(double v) {
            targetLufs = v;
            return this;
        }

        public Builder ceilingDbfs(double v) {
            ceilingDbfs = v;
            return this;
        }

        public Builder masterGainRange(double minDb, double maxDb) {
            minMasterGainDb = minDb;
            maxMasterGainDb = maxDb;
            return this;
        }

        public Builder limiter(double lookaheadMs, double releaseMs) {
            limiterLookaheadMs = lookaheadMs;
            limiterReleaseMs = releaseMs;
            return this;
        }

        public RenderSettings build() {
            return new RenderSettings(this);
        }
    }
}
