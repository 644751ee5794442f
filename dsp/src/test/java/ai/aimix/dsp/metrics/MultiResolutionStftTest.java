package ai.aimix.dsp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.Signals;
import org.junit.jupiter.api.Test;

class MultiResolutionStftTest {
    static final int SR = 44100;

    @Test
    void identicalSignalsAreAtDistanceZero() {
        float[][] x = TestMusic.stereo(SR, 3, 4);
        MultiResolutionStft.Result r = MultiResolutionStft.distance(x, x);
        assertEquals(0.0, r.distance, 0.0);
        assertEquals(6, r.terms.size());
    }

    /**
     * Analytic truth: a candidate g times the reference has |X| = g |Y| in every bin, so SC = |1 - g| and
     * LM = |ln g| at every resolution (noise keeps every bin far above the power floor), and the side of a
     * signal with no side gives the same on the mid only.
     */
    @Test
    void scaledCopyHasTheAnalyticDistance() {
        float[] l = Signals.noise(2 * SR, 0.5, 1);
        float[] r = Signals.noise(2 * SR, 0.5, 2);
        for (double g : new double[] {0.5, 0.9, 1.25}) {
            float[][] y = {l, r};
            float[][] x = {scale(l, g), scale(r, g)};
            MultiResolutionStft.Result res = MultiResolutionStft.distance(y, x);
            for (MultiResolutionStft.Term t : res.terms) {
                assertEquals(Math.abs(1 - g), t.spectralConvergence, 1e-5, t.signal + " " + t.fftSize);
                assertEquals(Math.abs(Math.log(g)), t.logMagnitude, 1e-5, t.signal + " " + t.fftSize);
            }
            assertEquals(Math.abs(1 - g) + Math.abs(Math.log(g)), res.distance, 1e-5);
        }
    }

    private static float[] scale(float[] x, double g) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (x[i] * g);
        }
        return y;
    }

    @Test
    void moreNoiseIsFurther() {
        float[][] x = TestMusic.stereo(SR, 3, 4);
        double previous = 0;
        for (double snr : new double[] {50, 35, 20}) {
            double d = MultiResolutionStft.distance(x, Degradations.whiteNoise(x, snr, 9)).distance;
            assertTrue(d > previous, "SNR " + snr + ": " + d + " not above " + previous);
            previous = d;
        }
    }

    /** A mono reference (no side at all) against a slightly wide candidate stays finite thanks to the side floor. */
    @Test
    void nearMonoReferenceKeepsTheSideFinite() {
        float[] m = Signals.noise(SR, 0.3, 3);
        float[][] ref = {m, m};
        float[][] wide = {scale(m, 1.05), scale(m, 0.95)};
        MultiResolutionStft.Result r = MultiResolutionStft.distance(ref, wide);
        assertTrue(Double.isFinite(r.side) && r.side > 0, "side " + r.side);
        // side of the candidate is 5 % of the mid, the floor 1 %: SC about 5 on every resolution
        for (MultiResolutionStft.Term t : r.terms) {
            if (t.signal.equals("side")) {
                assertEquals(5.0, t.spectralConvergence, 0.1);
            }
        }
    }

    @Test
    void monoAndErrors() {
        float[] a = Signals.noise(SR, 0.3, 3);
        MultiResolutionStft.Result r = MultiResolutionStft.distance(new float[][] {a}, new float[][] {scale(a, 0.5)});
        assertEquals(3, r.terms.size());
        assertTrue(Double.isNaN(r.side));
        assertThrows(
                IllegalArgumentException.class,
                () -> MultiResolutionStft.distance(new float[][] {a}, new float[][] {a, a}));
        assertThrows(
                IllegalArgumentException.class,
                () -> MultiResolutionStft.distance(new float[][] {a}, new float[][] {new float[10]}));
    }
}
