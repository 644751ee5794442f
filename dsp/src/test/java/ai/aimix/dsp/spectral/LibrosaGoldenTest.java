package ai.aimix.dsp.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.io.Golden;
import ai.aimix.dsp.io.NpyArray;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mel filterbanks and power mel spectrograms against librosa 0.10's algorithms, as re-implemented in numpy by
 * src/test/python/librosa_reference.py (golden files in src/test/resources/golden/librosa), and against the values
 * librosa publishes for filters.mel(sr=22050, n_fft=2048).
 */
class LibrosaGoldenTest {

    /** librosa's documentation: the first row of filters.mel(sr=22050, n_fft=2048) (128 bands, Slaney). */
    @Test
    void publishedFirstRow() {
        float[] row = MelFilterbank.librosaDefault(22050, 2048, 128).band(0);
        assertArrayEquals(
                new float[] {0f, 0.0161829f, 0.0323657f, 0.0289901f, 0.0128072f, 0f}, Arrays.copyOf(row, 6), 5e-8f);
    }

    /** Filterbanks equal librosa's float32 weights bit for bit (tolerance: one float32 ulp, for exp/log ulps). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "mel_sr22050_n2048_m128_slaney.npy, 22050, 2048, 128, 0, 11025, SLANEY, true",
        "mel_sr44100_n2048_m64_htk_nonorm.npy, 44100, 2048, 64, 0, 22050, HTK, false",
        "mel_sr16000_n512_m40_fmin20_fmax7600_slaney.npy, 16000, 512, 40, 20, 7600, SLANEY, true"
    })
    void filterbanks(String file, int sr, int nFft, int bands, double fmin, double fmax, MelScale scale, boolean norm) {
        float[][] golden = Golden.npy("librosa/" + file).rows();
        MelFilterbank bank = new MelFilterbank(sr, nFft, bands, fmin, fmax, scale, norm);
        int differing = 0;
        for (int m = 0; m < bands; m++) {
            float[] mine = bank.band(m);
            for (int k = 0; k < mine.length; k++) {
                float g = golden[m][k];
                assertEquals(g, mine[k], Math.ulp(g), file + " band " + m + " bin " + k);
                if (g != mine[k]) {
                    differing++;
                }
            }
        }
        System.out.printf("%s: %d of %d weights differ (by one ulp)%n", file, differing, bands * (nFft / 2 + 1));
        assertTrue(differing <= bands * (nFft / 2 + 1) / 1000, differing + " weights differ in the last bit");
    }

    /**
     * Power mel spectrograms of a test signal (chirp, partials, noise bursts, a silent stretch) agree with librosa's
     * within 2e-6 relative per value, plus 1e-9 of the spectrogram's peak for values near zero.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "melspec_sr22050_constant.npy, signal_sr22050.npy, 22050, 2048, 512, 128, SLANEY, CONSTANT",
        "melspec_sr22050_reflect.npy, signal_sr22050.npy, 22050, 2048, 512, 128, SLANEY, REFLECT",
        "melspec_sr16000_n512_hop160_m40_htk.npy, signal_sr16000.npy, 16000, 512, 160, 40, HTK, CONSTANT"
    })
    void melSpectrograms(
            String file, String signal, int sr, int nFft, int hop, int bands, MelScale scale, PadMode pad) {
        float[] y = Golden.npy("librosa/" + signal).floats();
        NpyArray golden = Golden.npy("librosa/" + file);
        MelFilterbank bank = new MelFilterbank(sr, nFft, bands, 0, sr / 2.0, scale, true);
        float[][] mine = new MelSpectrogram(nFft, hop, pad, bank).mel(y);
        float[][] g = golden.rows();
        assertEquals(g.length, mine.length);
        assertEquals(g[0].length, mine[0].length, "frames");
        double peak = 0;
        for (float[] row : g) {
            for (float v : row) {
                peak = Math.max(peak, v);
            }
        }
        double worst = 0;
        for (int m = 0; m < g.length; m++) {
            for (int t = 0; t < g[m].length; t++) {
                double err = Math.abs(mine[m][t] - g[m][t]) / (2e-6 * Math.abs(g[m][t]) + 1e-9 * peak);
                worst = Math.max(worst, err);
                assertTrue(err <= 1, file + " band " + m + " frame " + t + ": " + mine[m][t] + " vs " + g[m][t]);
            }
        }
        System.out.printf("%s: worst error %.3f of the tolerance%n", file, worst);
    }
}
