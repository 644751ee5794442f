package ai.aimix.dsp.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.Signals;
import ai.aimix.dsp.filter.Biquad;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MixFeaturesTest {
    static final int SR = 44100;
    static float[][] music;

    @BeforeAll
    static void music() {
        music = TestMusic.stereo(SR, 6, 8);
    }

    static MixFeatures.Feature get(List<MixFeatures.Feature> fs, String name) {
        return fs.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
    }

    @Test
    void identicalMixesHaveZeroError() {
        List<MixFeatures.Feature> fs = MixFeatures.compare(music, music, SR);
        assertEquals(17, fs.size());
        for (MixFeatures.Feature f : fs) {
            assertEquals(0.0, f.mape, 0.0, f.name);
            assertEquals(f.reference, f.candidate, 0.0, f.name);
        }
        assertEquals(0.0, MixFeatures.meanMape(fs, null), 0.0);
    }

    /**
     * Analytic values: a 1 kHz sine's centroid and roll-off sit at 1 kHz and its crest factor is 3.01 dB; white
     * Gaussian noise's power-spectrum flatness is e^-gamma (the ratio of the geometric to the arithmetic mean of
     * exponentially distributed bin powers), its centroid fs/4 and its bandwidth (fs/2)/sqrt(12).
     */
    @Test
    void featureValuesAgainstAnalyticTruth() {
        float[] sine = Signals.sine(1000, 0.5, SR, 3 * SR, 0);
        List<MixFeatures.Feature> fs = MixFeatures.compare(new float[][] {sine}, new float[][] {sine}, SR);
        assertEquals(1000 + 1, get(fs, "centroid").reference, 15); // +1 Hz as in the toolkit
        assertEquals(1000 + 1, get(fs, "rolloff").reference, 15);
        // the square-root Hann window's side lobes leak a little magnitude across the band: about 200 Hz
        assertTrue(get(fs, "bandwidth").reference < 300, "" + get(fs, "bandwidth").reference);
        assertEquals(20 * Math.log10(Math.sqrt(2)), get(fs, "crest_factor").reference, 0.05);
        assertTrue(Double.isNaN(get(fs, "panning_total").mape), "no panning for mono");
        assertTrue(Double.isNaN(get(fs, "stereo_width").mape), "no width for mono");
        float[] noise = gaussian(3 * SR, 0.1, 5);
        List<MixFeatures.Feature> n = MixFeatures.compare(new float[][] {noise}, new float[][] {noise}, SR);
        assertEquals(Math.exp(-0.5772156649), get(n, "flatness").reference, 0.02);
        // a flat spectrum over 0..fs/2: centroid fs/4, bandwidth (fs/2) / sqrt(12)
        assertEquals(SR / 4.0, get(n, "centroid").reference, 150);
        assertEquals(SR / 2.0 / Math.sqrt(12), get(n, "bandwidth").reference, 150);
    }

    private static float[] gaussian(int n, double sigma, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float)
                    (sigma * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return x;
    }

    /** A brighter candidate (high shelf +6 dB at 3 kHz) moves the centroid and roll-off up, and only a little else. */
    @Test
    void brighterMixMovesSpectralFeatures() {
        float[][] bright = filter(music, Biquad.highShelf(SR, 3000, 1, 6));
        List<MixFeatures.Feature> fs = MixFeatures.compare(music, bright, SR);
        assertTrue(get(fs, "centroid").candidate > get(fs, "centroid").reference * 1.1);
        assertTrue(get(fs, "rolloff").candidate > get(fs, "rolloff").reference);
        assertTrue(get(fs, "centroid").mape > 0.1);
        assertTrue(MixFeatures.meanMape(fs, "spectral") > MixFeatures.meanMape(fs, "panning"));
    }

    private static float[][] filter(float[][] x, Biquad b) {
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            out[c] = new float[x[c].length];
            double x1 = 0;
            double x2 = 0;
            double y1 = 0;
            double y2 = 0;
            for (int i = 0; i < x[c].length; i++) {
                double y = b.b0 * x[c][i] + b.b1 * x1 + b.b2 * x2 - b.a1 * y1 - b.a2 * y2;
                x2 = x1;
                x1 = x[c][i];
                y2 = y1;
                y1 = y;
                out[c][i] = (float) y;
            }
        }
        return out;
    }

    /** Narrowing the stereo image (half-way to mono) lowers the panning features. */
    @Test
    void narrowerMixMovesPanning() {
        float[][] narrow = new float[2][music[0].length];
        for (int i = 0; i < narrow[0].length; i++) {
            float mid = 0.5f * (music[0][i] + music[1][i]);
            narrow[0][i] = 0.5f * (music[0][i] + mid);
            narrow[1][i] = 0.5f * (music[1][i] + mid);
        }
        List<MixFeatures.Feature> fs = MixFeatures.compare(music, narrow, SR);
        assertTrue(get(fs, "panning_total").candidate < get(fs, "panning_total").reference);
        assertTrue(get(fs, "panning_total").mape > 0.2, "" + get(fs, "panning_total").mape);
        // the side halves (a quarter of its energy) while the mid stays: the width falls to about a quarter
        MixFeatures.Feature w = get(fs, "stereo_width");
        assertTrue(w.candidate < 0.3 * w.reference && w.candidate > 0.2 * w.reference, w.reference + " " + w.candidate);
    }

    /** Hard clipping lowers the crest factor; a 6 dB quieter copy shows in LUFS and peak, not in spectral shape. */
    @Test
    void dynamicsAndLevel() {
        float[][] clipped = new float[2][music[0].length];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < clipped[c].length; i++) {
                clipped[c][i] = Math.max(-0.1f, Math.min(0.1f, music[c][i]));
            }
        }
        List<MixFeatures.Feature> fs = MixFeatures.compare(music, clipped, SR);
        assertTrue(get(fs, "crest_factor").candidate < get(fs, "crest_factor").reference - 3);
        float[][] quiet = {scale(music[0], 0.5f), scale(music[1], 0.5f)};
        List<MixFeatures.Feature> q = MixFeatures.compare(music, quiet, SR);
        MixFeatures.Feature lufs = get(q, "lufs");
        assertEquals(-6.02, lufs.candidate - lufs.reference, 0.01);
        assertEquals(6.02 / Math.abs(lufs.reference), lufs.mape, 0.01);
        assertEquals(0.0, get(q, "centroid").mape, 1e-6); // peak-normalised first
    }

    private static float[] scale(float[] x, float g) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * g;
        }
        return y;
    }

    @Test
    void runningMeanAndContrastBands() {
        assertArrayEquals(new double[] {2.5}, MixFeatures.runningMean(new double[] {1, 2, 3, 4}), 0);
        double[] x = new double[45];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        double[] rm = MixFeatures.runningMean(x);
        assertEquals(6, rm.length);
        assertEquals(19.5, rm[0], 1e-12);
        // librosa's bands at 44.1 kHz, n_fft 4096 (10.77 Hz bins): 0-250 Hz is bins 0..23, the last band to Nyquist
        double[] freq = new double[2049];
        for (int k = 0; k < freq.length; k++) {
            freq[k] = k * 44100.0 / 4096;
        }
        int[][] b = MixFeatures.contrastBands(freq);
        assertArrayEquals(new int[] {0, 23}, b[0]);
        assertEquals(2049, b[4][1]);
    }

    /** The selection behind spectral contrast gives what a full sort gives, ties included. */
    @Test
    void selectionMatchesSorting() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(300);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = trial % 3 == 0 ? r.nextInt(5) : (float) r.nextDouble();
            }
            float[] sorted = x.clone();
            Arrays.sort(sorted);
            int q = 1 + r.nextInt(n);
            double low = 0;
            double high = 0;
            for (int i = 0; i < q; i++) {
                low += sorted[i];
                high += sorted[n - 1 - i];
            }
            assertEquals(low / q, MixFeatures.meanOfSmallest(x.clone(), q), 1e-6);
            assertEquals(high / q, MixFeatures.meanOfLargest(x.clone(), q), 1e-6);
            int k = r.nextInt(n);
            assertEquals(sorted[k], MixFeatures.select(x.clone(), k));
        }
    }
}
