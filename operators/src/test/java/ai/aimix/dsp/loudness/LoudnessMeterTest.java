package ai.aimix.dsp.loudness;

import ai.aimix.dsp.Signals;
import ai.aimix.dsp.filter.Biquad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoudnessMeterTest {

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

    /** EBU Tech 3341 case 1 (stereo 1 kHz sine at -23 dBFS reads -23 LUFS) and case 2 (-33), at common rates. */
    @ParameterizedTest
    @ValueSource(ints = {44100, 48000, 96000, 32000})
    void tech3341SteadySines(int sr) {
        for (double level : new double[] {-23, -33}) {
            float[] x = Signals.sine(1000, Math.pow(10, level / 20), sr, 20 * sr, 0);
            LoudnessMeter m = new LoudnessMeter(sr, 2);
            for (int off = 0; off < x.length; off += 10007) {
                m.push(x, x, off, Math.min(10007, x.length - off));
            }
            assertEquals(level, m.integratedLufs(), 0.1, sr + " Hz, " + level);
        }
    }

    /** EBU Tech 3341 case 3: -36, -23, -36 dBFS for 10, 60, 10 s: the relative gate removes the quiet parts. */
    @Test
    void relativeGateIgnoresQuietPassages() {
        int sr = 48000;
        float[] x = new float[80 * sr];
        float[] quiet = Signals.sine(1000, Math.pow(10, -36 / 20.0), sr, 10 * sr, 0);
        float[] loud = Signals.sine(1000, Math.pow(10, -23 / 20.0), sr, 60 * sr, 0);
        System.arraycopy(quiet, 0, x, 0, quiet.length);
        System.arraycopy(loud, 0, x, 10 * sr, loud.length);
        System.arraycopy(quiet, 0, x, 70 * sr, quiet.length);
        LoudnessMeter m = new LoudnessMeter(sr, 2);
        m.push(x, x, 0, x.length);
        assertEquals(-23.0, m.integratedLufs(), 0.1);
    }

    @Test
    void silenceHasNoLoudness() {
        LoudnessMeter m = new LoudnessMeter(44100, 2);
        float[] z = new float[44100 * 3];
        m.push(z, z, 0, z.length);
        assertTrue(Double.isInfinite(m.integratedLufs()) && m.integratedLufs() < 0);
    }
}
