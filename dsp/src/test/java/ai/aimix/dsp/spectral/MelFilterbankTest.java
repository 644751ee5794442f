package ai.aimix.dsp.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MelFilterbankTest {

    /** librosa.filters.mel(sr=22050, n_fft=2048)[0, :6] (128 bands, Slaney scale and norm), published values. */
    @Test
    void firstBandMatchesLibrosa() {
        MelFilterbank bank = MelFilterbank.librosaDefault(22050, 2048, 128);
        float[] row = bank.band(0);
        double[] librosa = {0, 0.0161829, 0.0323657, 0.0289901, 0.0128072, 0};
        for (int k = 0; k < librosa.length; k++) {
            assertEquals(librosa[k], row[k], 5e-7, "bin " + k);
        }
    }

    @Test
    void slaneyScaleIsLinearBelowOneKilohertzAndLogAbove() {
        assertEquals(15.0, MelScale.SLANEY.toMel(1000), 1e-12);
        assertEquals(3.0, MelScale.SLANEY.toMel(200), 1e-12);
        assertEquals(15.0 + 27.0, MelScale.SLANEY.toMel(6400), 1e-9);
        assertEquals(1000.0, MelScale.HTK.toHz(MelScale.HTK.toMel(1000)), 1e-9);
        assertEquals(1000.0, MelScale.HTK.toMel(1000), 0.1); // by construction ~1000 mel at 1 kHz
    }

    @ParameterizedTest
    @CsvSource({"22050,2048,128", "44100,2048,128", "48000,2048,64", "16000,512,40", "44100,4096,128"})
    void bandsAreTrianglesWithUnitAreaUnderSlaneyNorm(double sr, int nFft, int bands) {
        MelFilterbank bank = MelFilterbank.librosaDefault(sr, nFft, bands);
        double binHz = sr / nFft;
        int checked = 0;
        for (int m = 0; m < bands; m++) {
            float[] w = bank.band(m);
            int nonZero = 0;
            int peak = 0;
            for (int k = 0; k < w.length; k++) {
                assertTrue(w[k] >= 0);
                if (w[k] > 0) {
                    nonZero++;
                }
                if (w[k] > w[peak]) {
                    peak = k;
                }
            }
            // unimodal: rises to the peak, falls after it
            for (int k = 1; k <= peak; k++) {
                assertTrue(w[k] >= w[k - 1], "band " + m + " not rising at " + k);
            }
            for (int k = peak + 1; k < w.length; k++) {
                assertTrue(w[k] <= w[k - 1], "band " + m + " not falling at " + k);
            }
            // a triangle of height 2/(f2 - f0) over a base f2 - f0 has area 1; the bin sum approximates it
            // well once the triangle spans many bins
            if (nonZero >= 12) {
                double area = 0;
                for (float v : w) {
                    area += v * binHz;
                }
                assertEquals(1.0, area, 0.05, "band " + m);
                checked++;
            }
        }
        assertTrue(checked > bands / 4);
    }

    @Test
    void htkWithoutNormalisationPeaksNearOne() {
        MelFilterbank bank = new MelFilterbank(44100, 4096, 40, 0, 22050, MelScale.HTK, false);
        for (int m = 5; m < 40; m++) {
            float max = 0;
            for (float v : bank.band(m)) {
                max = Math.max(max, v);
            }
            assertTrue(max <= 1f && max > 0.7f, "band " + m + " peak " + max);
        }
    }
}
