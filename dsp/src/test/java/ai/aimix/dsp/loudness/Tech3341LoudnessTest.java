package ai.aimix.dsp.loudness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The EBU Tech 3341 (v3, 2016) minimum requirements test signals for loudness, synthesised in code at 48 kHz
 * (the test set's rate) and at other rates, held to the EBU tolerance of +-0.1 LU. Cases 7 and 8 are authentic
 * programme material that only exists as the EBU's files and are not reproduced here; cases 10, 11, 13 and 14 are
 * reconstructions from their published expected values (bursts placed off the 10 ms update grid).
 */
class Tech3341LoudnessTest {
    static final double TOL = 0.1;
    static final int SR = 48000;

    /** Case 1: stereo 1 kHz at -23 dBFS for 20 s: M, S and I read -23.0. */
    @ParameterizedTest
    @ValueSource(ints = {8000, 11025, 22050, 32000, 44100, 48000, 88200, 96000, 192000})
    void case1AtEveryCommonRate(int sr) {
        LoudnessMeter m = new ToneSequence(sr, 2).add(20, -23).measure();
        assertEquals(-23.0, m.momentaryLufs(), TOL, "M");
        assertEquals(-23.0, m.shortTermLufs(), TOL, "S");
        assertEquals(-23.0, m.integratedLufs(), TOL, "I");
    }

    /** Case 2: -33 dBFS reads -33.0. */
    @Test
    void case2() {
        LoudnessMeter m = new ToneSequence(SR, 2).add(20, -33).measure();
        assertEquals(-33.0, m.momentaryLufs(), TOL);
        assertEquals(-33.0, m.shortTermLufs(), TOL);
        assertEquals(-33.0, m.integratedLufs(), TOL);
    }

    /** Case 3: 10 s -36, 60 s -23, 10 s -36: the relative gate removes the quiet parts. */
    @Test
    void case3RelativeGate() {
        assertEquals(
                -23.0,
                new ToneSequence(SR, 2)
                        .add(10, -36)
                        .add(60, -23)
                        .add(10, -36)
                        .measure()
                        .integratedLufs(),
                TOL);
    }

    /** Case 4: -72, -36, -23, -36, -72 dBFS (10, 10, 60, 10, 10 s): both gates at work. */
    @Test
    void case4BothGates() {
        assertEquals(
                -23.0,
                new ToneSequence(SR, 2)
                        .add(10, -72)
                        .add(10, -36)
                        .add(60, -23)
                        .add(10, -36)
                        .add(10, -72)
                        .measure()
                        .integratedLufs(),
                TOL);
    }

    /** Case 5: 20 s -26, 20.1 s -20, 20 s -26 dBFS. */
    @ParameterizedTest
    @ValueSource(ints = {44100, 48000, 96000})
    void case5(int sr) {
        assertEquals(
                -23.0,
                new ToneSequence(sr, 2)
                        .add(20, -26)
                        .add(20.1, -20)
                        .add(20, -26)
                        .measure()
                        .integratedLufs(),
                TOL);
    }

    /** Case 6, 5.0: L, R at -28 dBFS, C at -24, Ls, Rs at -30 (weight 1.41): -23.0. */
    @Test
    void case6FiveChannels() {
        LoudnessMeter m =
                new ToneSequence(SR, 5).add(20, -28, -28, -24, -30, -30).measure();
        assertEquals(-23.0, m.integratedLufs(), TOL);
    }

    /** Case 6, 5.1: the same with a silent LFE channel, by channel count and by WAVE_FORMAT_EXTENSIBLE mask. */
    @Test
    void case6FivePointOneWithSilentLfe() {
        ToneSequence s = new ToneSequence(SR, 6).add(20, -28, -28, -24, Double.NaN, -30, -30);
        assertEquals(-23.0, s.measure().integratedLufs(), TOL);
        // KSAUDIO_SPEAKER_5POINT1: FL FR FC LFE BL BR
        assertEquals(-23.0, s.measure(ChannelWeights.fromWaveMask(0x3F, 6)).integratedLufs(), TOL);
        // KSAUDIO_SPEAKER_5POINT1_SURROUND: FL FR FC LFE SL SR
        assertEquals(-23.0, s.measure(ChannelWeights.fromWaveMask(0x60F, 6)).integratedLufs(), TOL);
    }

    /** The LFE channel is not measured: a loud LFE leaves the reading unchanged. */
    @Test
    void lfeIsIgnored() {
        ToneSequence s = new ToneSequence(SR, 6).add(20, -28, -28, -24, -6, -30, -30);
        assertEquals(-23.0, s.measure().integratedLufs(), TOL);
    }

    /** Case 9: 20 x (1.34 s at -20 dBFS, 1.66 s at -30): S stays at -23.0 once the first 3 s are in. */
    @Test
    void case9ShortTermIsConstant() {
        ToneSequence s = new ToneSequence(SR, 2);
        for (int i = 0; i < 20; i++) {
            s.add(1.34, -20).add(1.66, -30);
        }
        float[][] x = s.planar();
        LoudnessMeter m = new LoudnessMeter(SR, 2);
        int hop = SR / 100;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int at = 0; at + hop <= x[0].length; at += hop) {
            m.push(x, at, hop);
            if (at + hop >= 3 * SR) {
                min = Math.min(min, m.shortTermLufs());
                max = Math.max(max, m.shortTermLufs());
            }
        }
        assertEquals(-23.0, min, TOL);
        assertEquals(-23.0, max, TOL);
    }

    /** Case 10 (reconstructed): a 3 s burst at -23 dBFS after 20 different silences: max S = -23.0 each time. */
    @Test
    void case10MaxShortTermOfOffGridBursts() {
        for (int k = 0; k < 20; k++) {
            double lead = 0.5 + k * 0.1375 + k * k * 0.00113;
            LoudnessMeter m =
                    new ToneSequence(SR, 2).silence(lead).add(3, -23).silence(2).measure();
            assertEquals(-23.0, m.shortTermMaxLufs(), TOL, "lead " + lead);
        }
    }

    /**
     * Case 11 (reconstructed): twenty 6 s segments, each with a 3 s burst at -38, -37, ..., -19 dBFS placed at a
     * different offset: the largest S inside each segment reads that level.
     */
    @Test
    void case11SuccessiveShortTermMaxima() {
        ToneSequence s = new ToneSequence(SR, 2);
        for (int k = 0; k < 20; k++) {
            double lead = 0.5 + k * 0.0937;
            s.silence(lead).add(3, -38 + k).silence(3 - lead);
        }
        double[] maxima = maxPerSegment(s, 6.0, false);
        for (int k = 0; k < 20; k++) {
            assertEquals(-38.0 + k, maxima[k], TOL, "segment " + k);
        }
    }

    /** Case 12: 0.18 s at -20 dBFS and 0.22 s at -30, repeated: M stays at -23.0 after 1 s. */
    @Test
    void case12MomentaryIsConstant() {
        ToneSequence s = new ToneSequence(SR, 2);
        for (int i = 0; i < 50; i++) {
            s.add(0.18, -20).add(0.22, -30);
        }
        float[][] x = s.planar();
        LoudnessMeter m = new LoudnessMeter(SR, 2);
        int hop = SR / 100;
        for (int at = 0; at + hop <= x[0].length; at += hop) {
            m.push(x, at, hop);
            if (at + hop >= SR) {
                assertEquals(-23.0, m.momentaryLufs(), TOL, "at " + (at + hop) / (double) SR + " s");
            }
        }
    }

    /** Case 13 (reconstructed): a 0.4 s burst at -23 dBFS at 20 offsets off the update grid: max M = -23.0. */
    @Test
    void case13MaxMomentaryOfOffGridBursts() {
        for (int k = 0; k < 20; k++) {
            double lead = 0.3 + k * 0.01237;
            LoudnessMeter m = new ToneSequence(SR, 2)
                    .silence(lead)
                    .add(0.4, -23)
                    .silence(0.5)
                    .measure();
            assertEquals(-23.0, m.momentaryMaxLufs(), TOL, "lead " + lead);
        }
    }

    /** Case 14 (reconstructed): twenty 0.8 s segments with a 0.4 s burst at -38 ... -19 dBFS: max M per segment. */
    @Test
    void case14SuccessiveMomentaryMaxima() {
        ToneSequence s = new ToneSequence(SR, 2);
        for (int k = 0; k < 20; k++) {
            double lead = 0.1 + k * 0.0097;
            s.silence(lead).add(0.4, -38 + k).silence(0.4 - lead);
        }
        double[] maxima = maxPerSegment(s, 0.8, true);
        for (int k = 0; k < 20; k++) {
            assertEquals(-38.0 + k, maxima[k], TOL, "segment " + k);
        }
    }

    /** Feeds 10 ms at a time and keeps the largest M or S seen within each segment of the given length. */
    private static double[] maxPerSegment(ToneSequence s, double segmentSeconds, boolean momentary) {
        float[][] x = s.planar();
        int hop = SR / 100;
        int segment = (int) Math.round(segmentSeconds * SR);
        double[] max = new double[x[0].length / segment];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        LoudnessMeter m = new LoudnessMeter(SR, 2);
        for (int at = 0; at + hop <= x[0].length; at += hop) {
            m.push(x, at, hop);
            double v = momentary ? m.momentaryLufs() : m.shortTermLufs();
            int seg = (at + hop - 1) / segment;
            if (seg < max.length && !Double.isNaN(v)) {
                max[seg] = Math.max(max[seg], v);
            }
        }
        return max;
    }

    /** Mono is one channel of weight 1 by default (ffmpeg, libebur128); dual mono counts it twice. */
    @Test
    void monoAndDualMono() {
        ToneSequence s = new ToneSequence(SR, 1).add(20, -23);
        assertEquals(-23.0 - 10 * Math.log10(2), s.measure().integratedLufs(), TOL);
        assertEquals(-23.0, s.measure(ChannelWeights.dualMono()).integratedLufs(), TOL);
    }

    @Test
    void windowsWithoutEnoughAudioHaveNoValue() {
        LoudnessMeter m = new ToneSequence(SR, 2).add(0.35, -23).measure();
        assertTrue(Double.isNaN(m.momentaryLufs()));
        assertTrue(Double.isNaN(m.integratedLufs()));
        assertTrue(Double.isNaN(m.shortTermMaxLufs()));
        LoudnessMeter silent = new ToneSequence(SR, 2).silence(5).measure();
        assertEquals(Double.NEGATIVE_INFINITY, silent.integratedLufs());
        assertEquals(Double.NEGATIVE_INFINITY, silent.momentaryMaxLufs());
        assertTrue(Double.isNaN(silent.loudnessRangeLu()));
    }
}
