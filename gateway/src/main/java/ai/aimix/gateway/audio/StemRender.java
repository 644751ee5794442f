package ai.aimix.gateway.audio;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.ProcessedStem;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.RenderSetup;
import ai.aimix.schema.StemParameters;
import ai.aimix.schema.VariantResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A processed stem rendered from the stem store with the dsp module's {@link ProcessedStem}: the stem's channel strip
 * with the parameters the result lists for each segment, and each segment's master gain, on the result's segment grid
 * (the render settings the result records: the job's).
 */
public final class StemRender {
    private StemRender() {}

    /**
     * Renders stem {@code index} of {@code variant} into {@code target}: interleaved stereo float32, the mix's length;
     * returns the compressor's gain reduction over time as it applied it.
     */
    static GainReduction render(
            StemAudio stem, long startFrame, MixResult result, VariantResult variant, int index, Path target)
            throws IOException {
        int segment = result.getSegmentFrames();
        RenderSettings settings = settings(result, null, null);
        ProcessedStem chain = new ProcessedStem(settings, stem.channels());
        List<StemParameters> automation = variant.getStems().get(index).getAutomation();
        List<Float> gains = variant.getMasterGainDb();
        long frames = result.getFrames();
        int segments = (int) ((frames + segment - 1) / segment);
        if (automation.size() < segments || gains.size() < segments) {
            throw new IOException("the result lists " + automation.size() + " parameter sets and " + gains.size()
                    + " master gains for " + segments + " segments");
        }
        float[] in = new float[segment * stem.channels()];
        float[] reduction = new float[chain.blocks(segment)];
        GainReduction.Builder trace = new GainReduction.Builder(frames, chain.blockFrames());
        StoreFile.write(target, out -> {
            for (int k = 0; k < segments; k++) {
                int n = (int) Math.min(segment, frames - (long) k * segment);
                stem.read(startFrame + (long) k * segment, in, n);
                StoreFile.floats(
                        out, chain.renderSegment(in, 0, n, vector(automation.get(k)), gains.get(k), reduction));
                trace.add(reduction, chain.blocks(n));
            }
        });
        return trace.build();
    }

    /**
     * The job's render settings for a mix: those its result records (the job's {@code aimix.render.*} options, the
     * request's loudness target and ceiling applied), with this render's target and ceiling where it sets them (null:
     * the mix's). A result from a job before contract v5 records none: the renderer's defaults at the result's rate.
     */
    public static RenderSettings settings(MixResult result, Float targetLufs, Float ceilingDbfs) {
        if (result.getRender() == null) {
            return settings(result.getSampleRate(), result.getSegmentFrames(), targetLufs, ceilingDbfs);
        }
        RenderSetup r = result.getRender();
        RenderSettings.Builder b = RenderSettings.builder(result.getSampleRate())
                .segmentFrames(result.getSegmentFrames())
                .rampFrames(r.getRampFrames())
                .blockFrames(r.getBlockFrames())
                .eq(r.getLowShelfHz(), r.getMidPeakHz(), r.getMidPeakQ(), r.getHighShelfHz(), r.getShelfSlope())
                .compressor(r.getCompAttackMs(), r.getCompReleaseMs(), r.getCompKneeDb())
                .targetLufs(r.getTargetLufs())
                .ceilingDbfs(r.getCeilingDbfs())
                .masterGainRange(r.getMinMasterGainDb(), r.getMaxMasterGainDb())
                .limiter(r.getLimiterLookaheadMs(), r.getLimiterReleaseMs());
        if (targetLufs != null) {
            b.targetLufs(targetLufs);
        }
        if (ceilingDbfs != null) {
            b.ceilingDbfs(ceilingDbfs);
        }
        return b.build();
    }

    /**
     * The renderer's default settings at a rate and segment length, with a loudness target and ceiling (null: the
     * defaults): a job's settings when its {@code aimix.render.*} options are not set.
     */
    public static RenderSettings settings(int rate, int segmentFrames, Float targetLufs, Float ceilingDbfs) {
        return RenderSettings.builder(RenderSettings.DEFAULT_SAMPLE_RATE)
                .segmentFrames(segmentFrames)
                .build()
                .forRequest(rate, targetLufs, ceilingDbfs);
    }

    /** A result's parameters as the renderer's vector. */
    public static float[] vector(StemParameters p) {
        float[] v = new float[MixParams.COUNT];
        v[MixParams.GAIN_DB] = p.getGainDb();
        v[MixParams.PAN] = p.getPan();
        v[MixParams.LOW_SHELF_DB] = p.getLowShelfDb();
        v[MixParams.MID_PEAK_DB] = p.getMidPeakDb();
        v[MixParams.HIGH_SHELF_DB] = p.getHighShelfDb();
        v[MixParams.COMP_THRESHOLD_DB] = p.getCompThresholdDb();
        v[MixParams.COMP_RATIO] = p.getCompRatio();
        return v;
    }
}
