package ai.aimix.dsp.loudness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.aimix.dsp.Signals;
import ai.aimix.dsp.filter.Biquad;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoudnessMeterTest {

    /**
     * The loudness of a stretch: 4 s of a 1 kHz sine at -26 dBFS, then 4 s at -6 dBFS, in one channel. From the
     * first block wholly in the loud part on, the stretch reads the loud part's -9.01 LUFS (0 dBFS reads -3.01); all
     * of it is gated as the whole; the stretch's loudest block is the loud level.
     */
    @Test
    void aStretchFromAGatingBlockOnIsMeasuredAlone() {
        int sr = 48000;
        float[] x = new float[8 * sr];
        for (int i = 0; i < x.length; i++) {
            double a = i < 4 * sr ? Math.pow(10, -26 / 20.0) : Math.pow(10, -6 / 20.0);
            x[i] = (float) (a * Math.sin(2 * Math.PI * 1000 * i / sr));
        }
        LoudnessMeter m = new LoudnessMeter(sr, 1);
        m.push(new float[][] {x}, 0, 4 * sr);
        int loudFrom = m.blocks() + 3; // blocks are 400 ms every 100 ms: the fourth from here is all loud
        m.push(new float[][] {x}, 4 * sr, 4 * sr);
        assertEquals(-9.01, m.integratedLufs(loudFrom), 0.02);
        assertEquals(-9.01, m.momentaryMaxLufs(loudFrom), 0.02);
        assertEquals(m.integratedLufs(), m.integratedLufs(0), 0.0);
        assertEquals(Double.NaN, m.integratedLufs(m.blocks()));
        assertThrows(IllegalArgumentException.class, () -> m.integratedLufs(-1));
    }

    /**
     * A stereo meter filters both channels in one loop; a meter of three channels whose third weighs nothing filters
     * them one at a time: the readings are identical, bit for bit.
     */
    @Test
    void stereoInOneLoopReadsExactlyAsChannelByChannel() {
        int sr = 44100;
        SplittableRandom r = new SplittableRandom(5);
        float[] l = new float[7 * sr + 123];
        float[] rr = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) ((r.nextDouble() - 0.5) * (i < sr ? 0.01 : 0.7));
            rr[i] = (float) (0.5 * Math.sin(2 * Math.PI * 3000 * i / sr));
        }
        LoudnessMeter pair = new LoudnessMeter(sr, 2);
        LoudnessMeter single = new LoudnessMeter(sr, ChannelWeights.of(1, 1, 0));
        float[] none = new float[l.length];
        for (int from = 0; from < l.length; from += 1000) {
            int n = Math.min(1000, l.length - from);
            pair.push(l, rr, from, n);
            single.push(new float[][] {l, rr, none}, from, n);
        }
        assertEquals(single.integratedLufs(), pair.integratedLufs(), 0.0);
        assertEquals(single.shortTermLufs(), pair.shortTermLufs(), 0.0);
        assertEquals(single.momentaryMaxLufs(), pair.momentaryMaxLufs(), 0.0);
        assertEquals(single.loudnessRangeLu(), pair.loudnessRangeLu(), 0.0);
    }

    /** ITU-R BS.1770-4 Tables 1 and 2: the K-weighting coefficients at 48 kHz. */
    @Test
    void kWeightingAt48kHzMatchesTheStandard() {
        Biquad shelf = KWeighting.shelf(48000);
        assertEquals(1.53512485958697, shelf.b0, 1e-8);
        assertEquals(-2.69169618940638, shelf.b1, 1e-8);
        assertEquals(1.19839281085285, shelf.b2, 1e-8);
        assertEquals(-1.69065929318241, shelf.a1, 1e-8);
        assertEquals(0.73248077421585, shelf.a2, 1e-8);
        Biquad hp = KWeighting.highPass(48000);
        assertEquals(1.0, hp.b0, 0);
        assertEquals(-2.0, hp.b1, 0);
        assertEquals(1.0, hp.b2, 0);
        assertEquals(-1.99004745483398, hp.a1, 1e-8);
        assertEquals(0.99007225036621, hp.a2, 1e-8);
    }

    /**
     * The K-weighting curve is the same at every rate: the filters designed for the actual rate match the 48 kHz
     * design within 0.1 dB from 50 Hz to 0.4 fs. The residual is the standard's unnormalised RLB high-pass numerator
     * (1, -2, 1), whose pass-band gain is 1 + k/Q + k^2 with k = tan(pi 38 Hz / fs): +0.04 dB at 48 kHz, +0.09 dB at
     * 22.05 kHz. libebur128 and ffmpeg design it the same way, so readings agree with theirs at every rate.
     */
    @ParameterizedTest
    @ValueSource(ints = {22050, 32000, 44100, 96000, 192000})
    void kWeightingCurveIsRateIndependent(int sr) {
        for (double f : new double[] {50, 100, 500, 1000, 2000, 4000, 8000}) {
            if (f < 0.4 * sr / 2) {
                assertEquals(gainDb(48000, f), gainDb(sr, f), 0.1, f + " Hz at " + sr);
            }
        }
    }

    private static double gainDb(double sr, double f) {
        double w = 2 * Math.PI * f / sr;
        return response(KWeighting.shelf(sr), w) + response(KWeighting.highPass(sr), w);
    }

    private static double response(Biquad b, double w) {
        double nr = b.b0 + b.b1 * Math.cos(w) + b.b2 * Math.cos(2 * w);
        double ni = -b.b1 * Math.sin(w) - b.b2 * Math.sin(2 * w);
        double dr = 1 + b.a1 * Math.cos(w) + b.a2 * Math.cos(2 * w);
        double di = -b.a1 * Math.sin(w) - b.a2 * Math.sin(2 * w);
        return 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di));
    }

    /** Readings do not depend on how the stream is cut into calls, nor on a save and restore in between. */
    @Test
    void chunkingAndRestoreDoNotChangeReadings() {
        int sr = 44100;
        float[] l = Signals.noise(25 * sr, 0.3, 1);
        float[] r = Signals.noise(25 * sr, 0.1, 2);
        for (int i = 10 * sr; i < 14 * sr; i++) {
            l[i] *= 0.05f;
            r[i] *= 0.05f;
        }
        LoudnessMeter whole = new LoudnessMeter(sr, 2);
        whole.push(l, r, 0, l.length);
        LoudnessMeter pieces = new LoudnessMeter(sr, 2);
        int at = 0;
        int chunk = 1;
        while (at < l.length) {
            int n = Math.min(chunk, l.length - at);
            pieces.push(l, r, at, n);
            at += n;
            chunk = chunk * 3 + 7;
            if (chunk > 50000) {
                chunk = 13;
            }
            if (at > 12 * sr && at < 12 * sr + 60000) {
                StateWriter w = new StateWriter();
                pieces.save(w);
                pieces = new LoudnessMeter(sr, 2);
                pieces.load(new StateReader(w.toByteArray()));
            }
        }
        assertEquals(whole.integratedLufs(), pieces.integratedLufs(), 1e-9);
        assertEquals(whole.loudnessRangeLu(), pieces.loudnessRangeLu(), 1e-9);
        assertEquals(whole.momentaryMaxLufs(), pieces.momentaryMaxLufs(), 1e-9);
        assertEquals(whole.shortTermMaxLufs(), pieces.shortTermMaxLufs(), 1e-9);
        assertEquals(whole.shortTermLufs(), pieces.shortTermLufs(), 1e-9);
        assertEquals(whole.blocks(), pieces.blocks());
    }

    /** Interleaved and planar input give the same readings. */
    @Test
    void interleavedEqualsPlanar() {
        int sr = 48000;
        float[][] x = new ToneSequence(sr, 5).add(5, -28, -28, -24, -30, -30).planar();
        float[] inter = new float[5 * x[0].length];
        for (int i = 0; i < x[0].length; i++) {
            for (int c = 0; c < 5; c++) {
                inter[5 * i + c] = x[c][i];
            }
        }
        LoudnessMeter a = new LoudnessMeter(sr, 5);
        a.push(x, 0, x[0].length);
        LoudnessMeter b = new LoudnessMeter(sr, 5);
        b.pushInterleaved(inter, 0, x[0].length);
        assertEquals(a.integratedLufs(), b.integratedLufs(), 1e-9);
        LoudnessAnalysis p = LoudnessAnalysis.of(x, sr, ChannelWeights.forChannels(5));
        LoudnessAnalysis q = LoudnessAnalysis.ofInterleaved(inter, 5, sr, ChannelWeights.forChannels(5));
        assertEquals(p.integratedLufs, q.integratedLufs, 1e-9);
        assertEquals(p.truePeakDbtp, q.truePeakDbtp, 0.0);
        assertEquals(p.shortTermMaxLufs, q.shortTermMaxLufs, 1e-9);
    }

    @Test
    void layoutsAndErrors() {
        assertEquals("L R C LFE Ls Rs", ChannelWeights.forChannels(6).description());
        assertEquals(0.0, ChannelWeights.fromWaveMask(0x3F, 6).weight(3));
        assertEquals(
                ChannelWeights.SURROUND, ChannelWeights.fromWaveMask(0x3F, 6).weight(4));
        assertEquals("L R C LFE SL SR", ChannelWeights.fromWaveMask(0x60F, 6).description());
        assertThrows(IllegalArgumentException.class, () -> ChannelWeights.forChannels(8));
        assertThrows(IllegalArgumentException.class, () -> new LoudnessMeter(44100, 2).push(new float[1][], 0, 0));
    }
}
