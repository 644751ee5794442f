package ai.aimix.operators.assembly;

import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.schema.RenderSetup;

/**
 * The renderer's settings as a mix's result records them ({@code MixResult.render}): everything but the rate and the
 * segment length, which the result gives beside them. The gateway renders with them again ({@code StemRender}).
 */
public final class RenderSetups {
    private RenderSetups() {}

    public static RenderSetup of(RenderSettings s) {
        return RenderSetup.newBuilder()
                .setRampFrames(s.rampFrames)
                .setBlockFrames(s.blockFrames)
                .setLowShelfHz(s.lowShelfHz)
                .setMidPeakHz(s.midPeakHz)
                .setMidPeakQ(s.midPeakQ)
                .setHighShelfHz(s.highShelfHz)
                .setShelfSlope(s.shelfSlope)
                .setCompAttackMs(s.compAttackMs)
                .setCompReleaseMs(s.compReleaseMs)
                .setCompKneeDb(s.compKneeDb)
                .setTargetLufs(s.targetLufs)
                .setCeilingDbfs(s.ceilingDbfs)
                .setMaxMasterGainDb(s.maxMasterGainDb)
                .setMinMasterGainDb(s.minMasterGainDb)
                .setLimiterLookaheadMs(s.limiterLookaheadMs)
                .setLimiterReleaseMs(s.limiterReleaseMs)
                .build();
    }
}
