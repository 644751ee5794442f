package ai.aimix.dsp.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessedStemTest {

    /**
     * The processed stems, rendered alone with the mix's parameters and master gains, sum to the mix while its
     * limiter is idle (quiet stems, ceiling at 0 dBFS): the same chain, grid, ramps and master gain, to float
     * rounding (the mix multiplies the sum by the gain, the stems each part: 1e-6 of full scale).
     */
    @ParameterizedTest(name = "{0} Hz, segments of {1}, {2} frames")
    @CsvSource({"44100, 8192, 30000", "48000, 8192, 40000", "22050, 4096, 9001"})
    void theProcessedStemsSumToTheMixWhileTheLimiterIsIdle(int rate, int segment, int frames) {
        RenderSettings s = RenderSettings.builder(rate)
                .segmentFrames(segment)
                .rampFrames(1024)
                .ceilingDbfs(0)
                .targetLufs(-30)
                .build();
        int[] channels = {1, 2, 1};
        float[][] audio = {
            Signals.sine(110, 0.02, rate, frames, 0),
            stereo(Signals.sine(440, 0.015, rate, frames, 1), Signals.sine(660, 0.01, rate, frames, 2)),
            Signals.sine(2500, 0.01, rate, frames, 3)
        };
        int segments = (frames + segment - 1) / segment;
        float[][][] schedule = new float[segments][channels.length][];
        for (int k = 0; k < segments; k++) {
            for (int i = 0; i < channels.length; i++) {
                schedule[k][i] = new float[] {
                    -6 + 3 * ((k + i) % 3), 0.5f * (float) Math.sin(k + i), 3 * (k % 2), -2, 4 * (i % 2), -30 + k, 1 + k
                };
            }
        }
        MixRenderer mix = new MixRenderer(s, channels);
        float[] mixed = new float[2 * frames];
        int written = 0;
        double[] gains = new double[segments];
        float[][] stems = new float[channels.length][2 * frames];
        ProcessedStem[] alone = new ProcessedStem[channels.length];
        for (int i = 0; i < channels.length; i++) {
            alone[i] = new ProcessedStem(s, channels[i]);
        }
        for (int k = 0; k < segments; k++) {
            int off = k * segment;
            int n = Math.min(segment, frames - off);
            float[] out = mix.renderSegment(audio, off, n, schedule[k]);
            System.arraycopy(out, 0, mixed, written, out.length);
            written += out.length;
            gains[k] = (float) mix.masterGainDb(); // as the result carries it
            for (int i = 0; i < channels.length; i++) {
                float[] y = alone[i].renderSegment(audio[i], off, n, schedule[k][i], gains[k]);
                System.arraycopy(y, 0, stems[i], 2 * off, y.length);
            }
        }
        float[] tail = mix.finish();
        System.arraycopy(tail, 0, mixed, written, tail.length);
        assertEquals(0.0, mix.limiterMaxReductionDb(), 1e-9, "the limiter stayed idle");
        assertEquals(true, gains[segments - 1] > 0, "a master gain was applied: " + gains[segments - 1]);
        double worst = 0;
        for (int j = 0; j < 2 * frames; j++) {
            float sum = 0;
            for (float[] st : stems) {
                sum += st[j];
            }
            worst = Math.max(worst, Math.abs(sum - mixed[j]));
        }
        assertEquals(0.0, worst, 1e-6, "largest difference from the mix");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0", "3"})
    void refusesBadChannelCountsAndSegments(int channels) {
        RenderSettings s = RenderSettings.builder(48000)
                .segmentFrames(1024)
                .rampFrames(256)
                .build();
        assertThrows(IllegalArgumentException.class, () -> new ProcessedStem(s, channels));
        ProcessedStem p = new ProcessedStem(s, 1);
        assertThrows(IllegalArgumentException.class, () -> p.renderSegment(new float[4096], 0, 2048, new float[7], 0));
        p.renderSegment(new float[4096], 0, 100, MixParams.neutral(), 0);
        assertThrows(
                IllegalStateException.class, () -> p.renderSegment(new float[4096], 0, 100, MixParams.neutral(), 0));
    }

    private static float[] stereo(float[] l, float[] r) {
        float[] x = new float[2 * l.length];
        for (int i = 0; i < l.length; i++) {
            x[2 * i] = l[i];
            x[2 * i + 1] = r[i];
        }
        return x;
    }

    /**
     * The gain reduction a processed stem reports per compressor block is the gain the compressor applied: the stem
     * rendered with the compressor, divided by the same stem rendered without it (ratio 1), block by block where the
     * reduction holds steady (within a block the gain moves from the previous block's value), to 0.01 dB; a loud
     * passage is reduced by more than 6 dB and a quiet one not at all.
     */
    @Test
    void theGainReductionIsTheGainTheCompressorApplied() {
        int rate = 44100;
        int segment = 8192;
        RenderSettings s = RenderSettings.builder(rate).segmentFrames(segment).build();
        int frames = 8 * segment;
        // one cycle per compressor block: every block has the same peak, so the reduction settles
        float[] loud = Signals.sine(rate / 32.0, 0.9, rate, frames, 0);
        for (int i = frames / 2; i < frames; i++) {
            loud[i] *= 0.003f; // the second half far below the threshold
        }
        float[] compressed = {0, 0, 0, 0, 0, -24, 4};
        float[] open = {0, 0, 0, 0, 0, -24, 1};
        ProcessedStem with = new ProcessedStem(s, 1);
        ProcessedStem without = new ProcessedStem(s, 1);
        float[] trace = new float[with.blocks(frames)];
        float[] a = new float[2 * frames];
        float[] b = new float[2 * frames];
        for (int k = 0; k < frames / segment; k++) {
            float[] seg = new float[with.blocks(segment)];
            System.arraycopy(
                    with.renderSegment(loud, k * segment, segment, compressed, 0, seg),
                    0,
                    a,
                    2 * k * segment,
                    2 * segment);
            System.arraycopy(
                    without.renderSegment(loud, k * segment, segment, open, 0), 0, b, 2 * k * segment, 2 * segment);
            System.arraycopy(seg, 0, trace, k * seg.length, seg.length);
        }
        int bf = with.blockFrames();
        int checked = 0;
        for (int blk = 1; blk < trace.length; blk++) {
            if (Math.abs(trace[blk] - trace[blk - 1]) > 1e-4) {
                continue;
            }
            double sa = 0;
            double sb = 0;
            for (int i = blk * bf; i < (blk + 1) * bf; i++) {
                sa += a[2 * i] * a[2 * i];
                sb += b[2 * i] * b[2 * i];
            }
            assertEquals(trace[blk], 10 * Math.log10(sa / sb), 0.01, "block " + blk);
            checked++;
        }
        assertTrue(checked > trace.length / 3, checked + " steady blocks of " + trace.length);
        assertTrue(trace[trace.length / 2 - 1] < -6, "the loud half is reduced: " + trace[trace.length / 2 - 1]);
        assertTrue(trace[trace.length - 1] > -0.1, "the quiet half, released: " + trace[trace.length - 1]);
    }
}
