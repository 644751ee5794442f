package ai.aimix.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.gateway.Results;
import ai.aimix.gateway.audio.StemRender;
import ai.aimix.operators.assembly.RenderSetups;
import ai.aimix.schema.MixResult;
import org.junit.jupiter.api.Test;

/**
 * The job records its renderer's settings in a result (operators' {@link RenderSetups}) and the gateway renders with
 * what it reads back ({@link StemRender#settings(MixResult, Float, Float)}): the two meet in the contract, so the
 * settings come back whole. Every field is set away from its default, so one either side forgets shows.
 */
class RenderSetupRoundTripTest {

    @Test
    void theGatewayRendersWithTheSettingsTheJobRecorded() {
        RenderSettings job = RenderSettings.builder(48000)
                .segmentFrames(16384)
                .rampFrames(1024)
                .blockFrames(64)
                .eq(120, 1500, 0.8, 9000, 0.9)
                .compressor(15, 150, 4)
                .targetLufs(-16)
                .ceilingDbfs(-2)
                .masterGainRange(-20, 9)
                .limiter(3, 80)
                .build();
        MixResult result = Results.completed(48000, 100_000L, 7, 16384)
                .setRender(RenderSetups.of(job))
                .build();
        RenderSettings back = StemRender.settings(result, null, null);
        assertEquals(RenderSetups.of(job), RenderSetups.of(back));
        assertEquals(job.sampleRate, back.sampleRate);
        assertEquals(job.segmentFrames, back.segmentFrames);
    }
}
