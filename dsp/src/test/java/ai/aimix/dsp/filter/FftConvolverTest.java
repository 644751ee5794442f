package ai.aimix.dsp.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FFT overlap-add against direct convolution (the definition), over lengths, response lengths and channels. */
class FftConvolverTest {
    @ParameterizedTest(name = "{0} frames, {1}-tap responses, {2} channels")
    @CsvSource({"1, 1, 1", "100, 1, 2", "1000, 7, 2", "5000, 300, 2", "4096, 2048, 1", "3000, 4097, 2", "20000, 1500, 2"
    })
    void equalsDirectConvolutionWithinFloatRounding(int frames, int taps, int channels) {
        SplittableRandom r = new SplittableRandom(frames * 31L + taps);
        float[] audio = new float[frames * channels];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (2 * r.nextDouble() - 1);
        }
        float[][] ir = new float[channels][];
        for (int c = 0; c < channels; c++) {
            ir[c] = new float[taps - c * (taps / 3)]; // channels of different lengths
            for (int i = 0; i < ir[c].length; i++) {
                ir[c][i] = (float) ((2 * r.nextDouble() - 1) * Math.exp(-4.0 * i / taps));
            }
        }
        float[] fast = FftConvolver.convolve(audio, channels, ir);
        assertEquals(audio.length, fast.length);
        double peak = 0;
        double worst = 0;
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < frames; t++) {
                double direct = 0;
                for (int k = 0; k < ir[c].length && k <= t; k++) {
                    direct += (double) ir[c][k] * audio[(t - k) * channels + c];
                }
                peak = Math.max(peak, Math.abs(direct));
                worst = Math.max(worst, Math.abs(direct - fast[t * channels + c]));
            }
        }
        assertEquals(0, worst, 1e-6 * Math.max(1, peak), "largest difference from direct convolution");
    }

    @Test
    void refusesMismatchedResponses() {
        assertThrows(IllegalArgumentException.class, () -> FftConvolver.convolve(new float[4], 2, new float[1][1]));
        assertThrows(
                IllegalArgumentException.class, () -> FftConvolver.convolve(new float[4], 2, new float[][] {{1}, {}}));
        assertThrows(
                IllegalArgumentException.class, () -> FftConvolver.convolve(new float[5], 2, new float[][] {{1}, {1}}));
        assertThrows(IllegalArgumentException.class, () -> FftConvolver.convolve(new float[4], 0, new float[0][]));
    }
}
