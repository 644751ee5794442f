package ai.aimix.dsp.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.dsp.Signals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JTransforms-based power spectra against a direct DFT and against the analytic sine response. */
class PowerSpectrumTest {

    @ParameterizedTest
    @ValueSource(ints = {64, 256, 1024, 2048, 4096})
    void matchesADirectDftOfTheWindowedFrame(int n) {
        float[] x = Signals.noise(n, 1.0, n);
        float[] power = new float[n / 2 + 1];
        new PowerSpectrum(n).compute(x, 0, power);
        float[] w = Windows.periodicHann(n);
        double maxPower = 0;
        double[] expected = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int t = 0; t < n; t++) {
                double v = (double) x[t] * w[t];
                re += v * Math.cos(2 * Math.PI * k * t / n);
                im -= v * Math.sin(2 * Math.PI * k * t / n);
            }
            expected[k] = re * re + im * im;
            maxPower = Math.max(maxPower, expected[k]);
        }
        // float32 FFT: error relative to the spectrum's peak
        for (int k = 0; k <= n / 2; k++) {
            assertEquals(expected[k], power[k], 1e-5 * maxPower, "bin " + k);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 2048, 4096})
    void binCentredSinePeaksAtItsBinWithAmplitudeNOverFour(int n) {
        double sr = 44100;
        int bin = n / 16 + 3;
        double freq = bin * sr / n;
        float[] x = Signals.sine(freq, 0.5, sr, n, 0.3);
        float[] power = new float[n / 2 + 1];
        new PowerSpectrum(n).compute(x, 0, power);
        int peak = 0;
        for (int k = 1; k < power.length; k++) {
            if (power[k] > power[peak]) {
                peak = k;
            }
        }
        assertEquals(bin, peak);
        // periodic Hann: |X[bin]| = A * N / 4, and the neighbours carry A * N / 8 each
        assertEquals(0.5 * n / 4, Math.sqrt(power[bin]), 1e-3 * n);
        assertEquals(0.5 * n / 8, Math.sqrt(power[bin + 1]), 1e-3 * n);
        assertEquals(0.0, Math.sqrt(power[bin + 3]), 1e-3 * n);
    }
}
