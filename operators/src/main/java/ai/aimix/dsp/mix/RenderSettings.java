package ai.aimix.dsp.mix;

/**
 * Everything the renderer needs besides the audio and the per-stem parameters. Values come from the job's
 * configuration (ConfigOptions in the jobs module) and from the request (loudness target, ceiling).
 */
public final class RenderSettings implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

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
            throw new IllegalArgumentException("EQ frequencies must be below " + nyquist + " Hz at " + sampleRate + " Hz");
        }
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
        private int segmentFrames = 65536;
        private int rampFrames = 2048;
        private int blockFrames = 32;
        private double lowShelfHz = 100;
        private double midPeakHz = 1000;
        private double midPeakQ = 1.0;
        private double highShelfHz = 8000;
        private double shelfSlope = 1.0;
        private double compAttackMs = 10;
        private double compReleaseMs = 120;
        private double compKneeDb = 6;
        private double targetLufs = -14;
        private double ceilingDbfs = -1;
        private double maxMasterGainDb = 12;
        private double minMasterGainDb = -30;
        private double limiterLookaheadMs = 2;
        private double limiterReleaseMs = 60;

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
