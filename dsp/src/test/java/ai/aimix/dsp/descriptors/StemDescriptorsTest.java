package ai.aimix.dsp.descriptors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.spectral.MelFilterbank;
import ai.aimix.dsp.spectral.StreamingLogMel;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Descriptors against analytic truth: a sine's and a square wave's levels, white noise's 3 dB per octave. */
class StemDescriptorsTest {
    static final int RATE = 44100;
    static final int N_FFT = 2048;
    static final int HOP = 512;
    static final int SEGMENT = 65536;

    /** Runs the stem through a log-mel stream with the descriptors' tap, segment by segment, as the job would. */
    static float[][] measure(float[] interleaved, int channels, int segments) {
        StreamingLogMel mel = new StreamingLogMel(MelFilterbank.librosaDefault(RATE, N_FFT, 64), N_FFT, HOP);
        StemDescriptors d = new StemDescriptors(RATE, channels, N_FFT);
        mel.tap(d.powerTap());
        float[][] out = new float[segments][StemDescriptors.COUNT];
        float[] melOut = new float[64 * (SEGMENT / HOP + 2)];
        for (int s = 0; s < segments; s++) {
            float[] mono = mono(interleaved, channels, s * SEGMENT, SEGMENT);
            mel.push(mono, 0, SEGMENT, false, melOut, SEGMENT / HOP + 2, 0);
            d.segment(interleaved, s * SEGMENT, SEGMENT, out[s], 0);
        }
        return out;
    }

    static float[] mono(float[] x, int channels, int fromFrame, int frames) {
        float[] m = new float[frames];
        for (int i = 0; i < frames; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += x[(fromFrame + i) * channels + c];
            }
            m[i] = sum / channels;
        }
        return m;
    }

    static float[] sine(double hz, double amplitude, int channels, int frames) {
        float[] x = new float[frames * channels];
        for (int i = 0; i < frames; i++) {
            float v = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / RATE));
            for (int c = 0; c < channels; c++) {
                x[i * channels + c] = v;
            }
        }
        return x;
    }

    @ParameterizedTest(name = "{0} channel(s)")
    @ValueSource(ints = {1, 2})
    void aSinesLevelsAreItsAmplitudesAndItsBalanceIsOneBand(int channels) {
        double amplitude = 0.5;
        float[][] d = measure(sine(1000, amplitude, channels, 3 * SEGMENT), channels, 3);
        double peakDb = 20 * Math.log10(amplitude);
        // BS.1770: a 1 kHz sine at 0 dBFS reads -3.01 LUFS per channel it is in, and channels add in power
        double lufs = peakDb - 3.01 + 10 * Math.log10(channels);
        for (float[] s : d) {
            assertEquals(peakDb, s[StemDescriptors.SAMPLE_PEAK_DBFS], 0.01);
            assertEquals(peakDb - 3.0103, s[StemDescriptors.RMS_DBFS], 0.01);
            assertEquals(3.0103, s[StemDescriptors.CREST_DB], 0.02);
            assertEquals(lufs, s[StemDescriptors.INTEGRATED_LUFS], 0.05);
            assertEquals(lufs, s[StemDescriptors.MOMENTARY_MAX_LUFS], 0.05);
            assertEquals(lufs, s[StemDescriptors.SHORT_TERM_LUFS], 0.05);
            int oneK = StemDescriptors.FIRST_BAND + 5;
            assertEquals(0.0, s[oneK], 0.01, "the 1 kHz band holds the power");
            for (int b = 0; b < OctaveBands.COUNT; b++) {
                if (StemDescriptors.FIRST_BAND + b != oneK) {
                    assertTrue(
                            s[StemDescriptors.FIRST_BAND + b] < -40,
                            "band " + b + ": " + s[StemDescriptors.FIRST_BAND + b]);
                }
            }
        }
    }

    @Test
    void aSquareWaveHasNoCrest() {
        float[] x = new float[2 * SEGMENT];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i / 50) % 2 == 0 ? 0.25f : -0.25f; // 441 Hz
        }
        float[][] d = measure(x, 1, 2);
        assertEquals(20 * Math.log10(0.25), d[1][StemDescriptors.SAMPLE_PEAK_DBFS], 1e-4);
        assertEquals(0.0, d[1][StemDescriptors.CREST_DB], 1e-4);
    }

    @Test
    void whiteNoiseRisesThreeDecibelsAnOctave() {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[4 * SEGMENT];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() - 0.5);
        }
        float[][] d = measure(x, 1, 4);
        OctaveBands o = new OctaveBands(RATE, N_FFT);
        // from 250 Hz to 8 kHz: each band's level over the last one is its share of bins, about 3.01 dB (a band of
        // 8 bins over a 1.5 s segment varies by about 0.2 dB: the rise is taken over the four segments' mean)
        for (int b = 4; b <= 8; b++) {
            double rise = 0;
            for (float[] s : d) {
                rise += (s[StemDescriptors.FIRST_BAND + b] - s[StemDescriptors.FIRST_BAND + b - 1]) / d.length;
            }
            double bins = (double) (o.endBin(b) - o.firstBin(b)) / (o.endBin(b - 1) - o.firstBin(b - 1));
            assertEquals(10 * Math.log10(bins), rise, 0.3, "band " + b);
            assertEquals(3.01, rise, 0.6, "band " + b);
        }
    }

    @Test
    void silenceReadsTheFloorEverywhere() {
        float[][] d = measure(new float[2 * 2 * SEGMENT], 2, 2);
        for (float[] s : d) {
            for (int k = 0; k < StemDescriptors.COUNT; k++) {
                float expected = k == StemDescriptors.CREST_DB ? 0f : (float) StemDescriptors.FLOOR_DB;
                assertEquals(expected, s[k], 0f, StemDescriptors.NAMES.get(k));
            }
        }
    }

    @Test
    void aSavedAndRestoredStemMeasuresAsOneThatRanOn() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[2 * 3 * SEGMENT];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((r.nextDouble() - 0.5) * (i < x.length / 3 ? 0.1 : 0.8));
        }
        float[][] straight = measure(x, 2, 3);
        StreamingLogMel mel = new StreamingLogMel(MelFilterbank.librosaDefault(RATE, N_FFT, 64), N_FFT, HOP);
        StemDescriptors d = new StemDescriptors(RATE, 2, N_FFT);
        float[] melOut = new float[64 * (SEGMENT / HOP + 2)];
        for (int s = 0; s < 3; s++) {
            if (s > 0) { // a restart between segments: a new stream and descriptors from the saved state
                byte[] melState = mel.saveState();
                StateWriter w = new StateWriter();
                d.save(w);
                mel = new StreamingLogMel(MelFilterbank.librosaDefault(RATE, N_FFT, 64), N_FFT, HOP);
                mel.loadState(melState);
                d = new StemDescriptors(RATE, 2, N_FFT);
                d.load(new StateReader(w.toByteArray()));
            }
            mel.tap(d.powerTap());
            mel.push(mono(x, 2, s * SEGMENT, SEGMENT), 0, SEGMENT, false, melOut, SEGMENT / HOP + 2, 0);
            float[] got = new float[StemDescriptors.COUNT];
            d.segment(x, s * SEGMENT, SEGMENT, got, 0);
            assertArrayEquals(straight[s], got, 0f, "segment " + s);
        }
        // the quiet first third and the loud rest: 18 dB apart, and the descriptors follow the segment, not the song
        assertEquals(18.06, straight[2][StemDescriptors.RMS_DBFS] - straight[0][StemDescriptors.RMS_DBFS], 0.1);
        assertEquals(
                18.06,
                straight[2][StemDescriptors.INTEGRATED_LUFS] - straight[0][StemDescriptors.INTEGRATED_LUFS],
                0.2);
    }

    @Test
    void theMixContextIsTheMeanOverStems() {
        float[] a = new float[StemDescriptors.COUNT];
        float[] b = new float[StemDescriptors.COUNT];
        Arrays.fill(a, -20f);
        Arrays.fill(b, -10f);
        float[] c = new float[StemDescriptors.COUNT];
        StemDescriptors.context(new float[][] {a, b}, c);
        for (float v : c) {
            assertEquals(-15f, v, 0f);
        }
        assertEquals(StemDescriptors.COUNT, StemDescriptors.NAMES.size());
        assertEquals("band_31_db", StemDescriptors.NAMES.get(StemDescriptors.FIRST_BAND));
        assertEquals("band_16k_db", StemDescriptors.NAMES.get(StemDescriptors.COUNT - 1));
    }
}
