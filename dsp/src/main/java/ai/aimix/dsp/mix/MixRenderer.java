package ai.aimix.dsp.mix;

import ai.aimix.dsp.loudness.TruePeakMeter;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders a stereo mix segment by segment: every stem through its {@link StemChain} into the bus, then the
 * {@link MasterBus}. The same object, fed the same segments, gives the same output whether the segments come from
 * a stream (one call per segment, state saved and restored between calls) or from one array ({@link
 * OfflineRenderer}): parameter changes, ramps, compressor blocks and loudness updates all sit on the absolute
 * segment grid.
 */
public final class MixRenderer {
    private final RenderSettings s;
    private final int[] channels;
    private final StemChain[] stems;
    private final MasterBus master;
    private int segments;
    private boolean shortSegmentSeen;
    private boolean finished;

    private float[] busL = new float[0];
    private float[] busR = new float[0];
    /** Per stem: its stereo contribution and two scratch channels. */
    private float[][][] work = new float[0][][];

    public MixRenderer(RenderSettings settings, int[] stemChannels) {
        this.s = settings;
        this.channels = stemChannels.clone();
        this.stems = new StemChain[channels.length];
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] != 1 && channels[i] != 2) {
                throw new IllegalArgumentException("stem " + i + " has " + channels[i] + " channels; 1 or 2 supported");
            }
            stems[i] = new StemChain(settings, channels[i]);
        }
        this.master = new MasterBus(settings);
    }

    public RenderSettings settings() {
        return s;
    }

    /** Segments rendered so far. */
    public int segments() {
        return segments;
    }

    /**
     * Renders the next segment.
     *
     * @param audio  per stem, interleaved samples; the segment starts at frame {@code offset} of each array
     * @param frames the segment's length: the segment length, or less for the final segment
     * @param params per stem, the target parameter vector for this segment (see {@link MixParams})
     * @return interleaved stereo output frames now available (the limiter delays output by its latency)
     */
    public float[] renderSegment(float[][] audio, int offset, int frames, float[][] params) {
        return renderSegment(audio, offset, frames, params, ParallelRunner.SEQUENTIAL);
    }

    /**
     * As {@link #renderSegment(float[][], int, int, float[][])}, running the stems' channel strips through
     * {@code runner} (possibly in parallel). Stems are summed into the bus in stem order afterwards, so the result
     * does not depend on the runner.
     */
    public float[] renderSegment(float[][] audio, int offset, int frames, float[][] params, ParallelRunner runner) {
        ensureCapacity(frames);
        sumStems(audio, offset, frames, params, runner, busL, busR);
        return master(busL, busR, frames);
    }

    /**
     * The first stage of the next segment: the stems' channel strips, summed into {@code outL} / {@code outR} (at
     * least {@code frames} long). With buses of its own, a segment's first stage may run while the previous
     * segment's {@link #master} runs on another thread (they share no state); each stage in segment order.
     */
    public void sumStems(
            float[][] audio,
            int offset,
            int frames,
            float[][] params,
            ParallelRunner runner,
            float[] outL,
            float[] outR) {
        if (finished) {
            throw new IllegalStateException("renderer already finished");
        }
        if (shortSegmentSeen) {
            throw new IllegalStateException("a segment shorter than " + s.segmentFrames + " frames must be the last");
        }
        if (frames > s.segmentFrames || frames <= 0) {
            throw new IllegalArgumentException("segment of " + frames + " frames; expected 1.." + s.segmentFrames);
        }
        if (audio.length != stems.length || params.length != stems.length) {
            throw new IllegalArgumentException("expected " + stems.length + " stems");
        }
        shortSegmentSeen = frames < s.segmentFrames;
        ensureCapacity(frames);
        List<Runnable> tasks = new ArrayList<>(stems.length);
        for (int i = 0; i < stems.length; i++) {
            final int stem = i;
            tasks.add(() -> {
                float[][] w = work[stem];
                stems[stem].render(audio[stem], offset, frames, params[stem], w[0], w[1], w[2], w[3], null);
            });
        }
        runner.run(tasks);
        Arrays.fill(outL, 0, frames, 0f);
        Arrays.fill(outR, 0, frames, 0f);
        for (float[][] w : work) {
            float[] l = w[0];
            float[] r = w[1];
            for (int k = 0; k < frames; k++) {
                outL[k] += l[k];
                outR[k] += r[k];
            }
        }
        segments++;
    }

    /**
     * The second stage of a segment: the master bus (loudness normalisation, limiter) on the stems' sum from
     * {@link #sumStems}; returns the output frames now available, in an array of their own (the next call does not
     * reuse it, so it may be metered or written while the next segment is mastered).
     */
    public float[] master(float[] sumL, float[] sumR, int frames) {
        return master.process(sumL, sumR, frames);
    }

    /**
     * From now on {@link #master} and {@link #finish} leave the output meters (the mix's loudness and true peak) to the
     * caller, who gives every block they return to {@link #meterOutput}, in order, before reading the figures — on
     * another thread if it likes, so that a segment's metering runs beside the next segment's master bus. The output
     * itself is unchanged; the figures are the same as when the bus meters its own output.
     */
    public void deferOutputMeters() {
        master.deferOutputMeters();
    }

    /** Measures a block of output (interleaved stereo, as {@link #master} or {@link #finish} returned it). */
    public void meterOutput(float[] interleaved) {
        master.meter(interleaved, interleaved.length / 2);
    }

    /** Ends the stream: returns the last output frames (the limiter's delay line). */
    public float[] finish() {
        if (finished) {
            throw new IllegalStateException("renderer already finished");
        }
        finished = true;
        return master.finish();
    }

    private void ensureCapacity(int frames) {
        if (busL.length < frames || work.length != stems.length) {
            int n = Math.max(frames, busL.length);
            busL = new float[n];
            busR = new float[n];
            work = new float[stems.length][4][n];
        }
    }

    /** Master gain applied in the last segment, dB. */
    public double masterGainDb() {
        return master.gainDb();
    }

    public long framesOut() {
        return master.framesOut();
    }

    /** Integrated loudness of the output so far, LUFS (negative infinity for silence). */
    public double outputLufs() {
        return master.outputLufs();
    }

    /** Loudness range (EBU Tech 3342) of the output so far, LU; NaN before 3 s or for silence. */
    public double outputLoudnessRangeLu() {
        return master.output().loudnessRangeLu();
    }

    /** Largest momentary loudness of the output so far, LUFS. */
    public double outputMomentaryMaxLufs() {
        return master.output().momentaryMaxLufs();
    }

    /** Largest short-term loudness of the output so far, LUFS. */
    public double outputShortTermMaxLufs() {
        return master.output().shortTermMaxLufs();
    }

    public double truePeakDbtp() {
        return TruePeakMeter.toDb(master.truePeak());
    }

    public double samplePeakDbfs() {
        return TruePeakMeter.toDb(master.samplePeak());
    }

    public double limiterMaxReductionDb() {
        return master.limiterMaxReductionDb();
    }

    public byte[] save() {
        StateWriter w = new StateWriter();
        w.writeInt(stems.length)
                .writeInt(segments)
                .writeBoolean(shortSegmentSeen)
                .writeBoolean(finished);
        for (StemChain c : stems) {
            c.save(w);
        }
        master.save(w);
        return w.toByteArray();
    }

    public void load(byte[] state) {
        StateReader r = new StateReader(state);
        int n = r.readInt();
        if (n != stems.length) {
            throw new IllegalStateException("state is for " + n + " stems, renderer has " + stems.length);
        }
        segments = r.readInt();
        shortSegmentSeen = r.readBoolean();
        finished = r.readBoolean();
        for (StemChain c : stems) {
            c.load(r);
        }
        master.load(r);
    }
}
