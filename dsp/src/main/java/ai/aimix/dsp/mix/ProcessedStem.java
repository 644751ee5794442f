package ai.aimix.dsp.mix;

/**
 * One stem as a mix processed it, for listening to it alone: its channel strip ({@link StemChain}: EQ, compressor,
 * gain, pan) with the mix's parameters of each segment, then the master gain of each segment, ramped as the {@link
 * MasterBus} ramps it. The limiter is left out: it acts on the sum, so no stem has a share of it. While the mix's
 * limiter does not engage, the processed stems sum to the mix exactly (ProcessedStemTest). Segment by segment, as
 * {@link MixRenderer}: the same segment grid, the same ramps.
 */
public final class ProcessedStem {
    private final RenderSettings s;
    private final StemChain chain;
    private double gainDb;
    private boolean started;
    private boolean shortSegmentSeen;
    private float[] left = new float[0];
    private float[] right = new float[0];
    private float[] scratchL = new float[0];
    private float[] scratchR = new float[0];

    public ProcessedStem(RenderSettings settings, int channels) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException(channels + " channels; 1 or 2 supported");
        }
        this.s = settings;
        this.chain = new StemChain(settings, channels);
    }

    /**
     * Renders the next segment.
     *
     * @param in           the stem's interleaved samples; the segment starts at frame {@code offset}
     * @param frames       the segment's length: the segment length, or less for the last one
     * @param params       the stem's parameter vector for this segment ({@link MixParams})
     * @param masterGainDb the master gain the mix reached in this segment
     * @return the segment's interleaved stereo frames
     */
    public float[] renderSegment(float[] in, int offset, int frames, float[] params, double masterGainDb) {
        return renderSegment(in, offset, frames, params, masterGainDb, null);
    }

    /**
     * As {@link #renderSegment(float[], int, int, float[], double)}, with the compressor's gain reduction (dB, zero or
     * negative) at the end of each of its blocks written to {@code reductionDb} (at least {@link #blocks} entries),
     * when not null: what the compressor did to the stem, not an estimate.
     */
    public float[] renderSegment(
            float[] in, int offset, int frames, float[] params, double masterGainDb, float[] reductionDb) {
        if (shortSegmentSeen) {
            throw new IllegalStateException("a segment shorter than " + s.segmentFrames + " frames must be the last");
        }
        if (frames > s.segmentFrames || frames <= 0) {
            throw new IllegalArgumentException("segment of " + frames + " frames; expected 1.." + s.segmentFrames);
        }
        shortSegmentSeen = frames < s.segmentFrames;
        if (left.length < frames) {
            left = new float[frames];
            right = new float[frames];
            scratchL = new float[frames];
            scratchR = new float[frames];
        }
        chain.render(in, offset, frames, params, left, right, scratchL, scratchR, reductionDb);
        MasterBus.applyGain(left, right, frames, started ? gainDb : masterGainDb, masterGainDb, s.rampFrames);
        started = true;
        gainDb = masterGainDb;
        float[] out = new float[2 * frames];
        for (int i = 0; i < frames; i++) {
            out[2 * i] = left[i];
            out[2 * i + 1] = right[i];
        }
        return out;
    }

    /** The compressor blocks in a segment of {@code frames} frames (its last one may be short). */
    public int blocks(int frames) {
        return (frames + s.blockFrames - 1) / s.blockFrames;
    }

    /** Frames per compressor block. */
    public int blockFrames() {
        return s.blockFrames;
    }
}
