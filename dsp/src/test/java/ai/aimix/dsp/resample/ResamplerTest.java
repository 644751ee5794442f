package ai.aimix.dsp.resample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.Signals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

    /** Tones in the pass band keep their amplitude and frequency: 0.01 dB up to 0.907 of the lower Nyquist. */
    @ParameterizedTest(name = "{0} -> {1} Hz")
    @CsvSource({"44100, 48000", "48000, 44100", "22050, 48000", "96000, 48000", "32000, 48000", "48000, 48000"})
    void passBand(int from, int to) {
        Resampler r = new Resampler(from, to);
        double nyquist = Math.min(from, to) / 2.0;
        for (double f : new double[] {50, 1000, 0.5 * nyquist, 0.8 * nyquist, 0.907 * nyquist}) {
            float[] x = Signals.sine(f, 0.5, from, from, 0.3);
            float[] y = r.process(x);
            assertEquals((long) x.length * to / from, y.length, 1);
            double a = Signals.amplitudeAt(y, 2000, y.length - 2000, f, to);
            assertEquals(0, Signals.db(a / 0.5), 0.01, f + " Hz");
            // the waveform itself: the analytic sine at the new rate, away from the edges
            for (int i = 2000; i < y.length - 2000; i += 997) {
                double expected = 0.5 * Math.sin(2 * Math.PI * f * i / to + 0.3);
                assertEquals(expected, y[i], 2e-3 * (f / nyquist) + 1e-4, f + " Hz at output sample " + i);
            }
        }
    }

    /** Downsampling: a tone above the output's Nyquist frequency leaves less than -90 dB of alias. */
    @ParameterizedTest(name = "{0} -> {1} Hz")
    @CsvSource({"48000, 44100", "96000, 48000", "48000, 16000"})
    void stopBand(int from, int to) {
        Resampler r = new Resampler(from, to);
        for (double f : new double[] {to / 2.0 * 1.03, to / 2.0 * 1.2, from / 2.0 * 0.95}) {
            if (f >= from / 2.0) {
                continue;
            }
            float[] y = r.process(Signals.sine(f, 0.5, from, from, 0));
            double rms = 0;
            for (int i = 2000; i < y.length - 2000; i++) {
                rms += y[i] * y[i];
            }
            rms = Math.sqrt(rms / (y.length - 4000));
            double db = Signals.db(rms / (0.5 / Math.sqrt(2)));
            assertTrue(db < -90, f + " Hz leaves " + db + " dB");
        }
    }
}
