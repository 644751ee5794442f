package ai.aimix.gateway.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.gateway.Results;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.RenderSetup;
import org.junit.jupiter.api.Test;

class StemRenderTest {

    private static MixResult result(RenderSetup render) {
        return Results.completed(44100, 30000L, 4, 8192).setRender(render).build();
    }

    /** Every field away from the renderer's default, so one the gateway forgets to read shows. */
    private static RenderSetup jobs() {
        return RenderSetup.newBuilder()
                .setRampFrames(512)
                .setBlockFrames(64)
                .setLowShelfHz(150)
                .setMidPeakHz(2000)
                .setMidPeakQ(0.7)
                .setHighShelfHz(7000)
                .setShelfSlope(0.8)
                .setCompAttackMs(5)
                .setCompReleaseMs(200)
                .setCompKneeDb(3)
                .setTargetLufs(-18)
                .setCeilingDbfs(-1.5)
                .setMaxMasterGainDb(9)
                .setMinMasterGainDb(-20)
                .setLimiterLookaheadMs(4)
                .setLimiterReleaseMs(90)
                .build();
    }

    /**
     * A job run with other {@code aimix.render.*} options records them in its results; the gateway renders with
     * those (every field), the render's own target and ceiling over the mix's where it sets them.
     */
    @Test
    void rendersUseTheSettingsTheJobRecorded() {
        RenderSettings s = StemRender.settings(result(jobs()), null, null);
        assertEquals(44100, s.sampleRate);
        assertEquals(8192, s.segmentFrames);
        assertEquals(512, s.rampFrames);
        assertEquals(64, s.blockFrames);
        assertEquals(150, s.lowShelfHz);
        assertEquals(2000, s.midPeakHz);
        assertEquals(0.7, s.midPeakQ);
        assertEquals(7000, s.highShelfHz);
        assertEquals(0.8, s.shelfSlope);
        assertEquals(5, s.compAttackMs);
        assertEquals(200, s.compReleaseMs);
        assertEquals(3, s.compKneeDb);
        assertEquals(-18, s.targetLufs);
        assertEquals(-1.5, s.ceilingDbfs);
        assertEquals(9, s.maxMasterGainDb);
        assertEquals(-20, s.minMasterGainDb);
        assertEquals(4, s.limiterLookaheadMs);
        assertEquals(90, s.limiterReleaseMs);

        RenderSettings louder = StemRender.settings(result(jobs()), -9f, -0.5f);
        assertEquals(-9, louder.targetLufs);
        assertEquals(-0.5, louder.ceilingDbfs);
        assertEquals(200, louder.compReleaseMs);
    }

    /** A result from a job before contract v5 records none: the renderer's defaults at the result's rate. */
    @Test
    void anOlderResultRendersWithTheDefaults() {
        RenderSettings s = StemRender.settings(result(null), null, -2f);
        RenderSettings defaults = RenderSettings.defaults().forRequest(44100, null, -2f);
        assertEquals(8192, s.segmentFrames);
        assertEquals(defaults.rampFrames, s.rampFrames);
        assertEquals(defaults.compReleaseMs, s.compReleaseMs);
        assertEquals(defaults.targetLufs, s.targetLufs);
        assertEquals(-2, s.ceilingDbfs);
        assertEquals(44100, s.sampleRate);
    }
}
