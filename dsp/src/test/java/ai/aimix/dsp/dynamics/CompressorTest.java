package ai.aimix.dsp.dynamics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompressorTest {

    @Test
    void staticCurveHardKnee() {
        // below threshold: untouched; above: output rises 1/ratio dB per dB
        assertEquals(0.0, Compressor.staticGainDb(-30, -20, 4, 0), 0);
        assertEquals(0.0, Compressor.staticGainDb(-20, -20, 4, 0), 1e-12);
        assertEquals(-7.5, Compressor.staticGainDb(-10, -20, 4, 0), 1e-12);
        assertEquals(-18.0, Compressor.staticGainDb(0, -20, 10, 0), 1e-12);
        assertEquals(0.0, Compressor.staticGainDb(0, -20, 1, 0), 0);
    }

    @Test
    void staticCurveSoftKneeJoinsContinuously() {
        double t = -20;
        double r = 4;
        double w = 6;
        // at the knee's edges the quadratic meets the two straight lines
        assertEquals(0.0, Compressor.staticGainDb(t - w / 2, t, r, w), 1e-12);
        assertEquals((1 / r - 1) * (w / 2), Compressor.staticGainDb(t + w / 2, t, r, w), 1e-12);
        // at the threshold: (1/R - 1) (W/2)^2 / (2W) = (1/R - 1) W / 8
        assertEquals((1 / r - 1) * w / 8, Compressor.staticGainDb(t, t, r, w), 1e-12);
        // monotone and with slope between 1/R - 1 and 0
        double prev = Compressor.staticGainDb(-40, t, r, w);
        for (double x = -40; x <= 0; x += 0.1) {
            double g = Compressor.staticGainDb(x, t, r, w);
            assertEquals(true, g <= prev + 1e-12 && g >= prev + (1 / r - 1) * 0.1 - 1e-9, "at " + x);
            prev = g;
        }
    }

    @ParameterizedTest
    @CsvSource({"-6,-20,4", "-12,-20,2", "-30,-20,4", "-3,-30,10"})
    void settlesOnTheStaticCurveForASteadyLevel(double levelDb, double thresholdDb, double ratio) {
        double sr = 48000;
        int block = 32;
        Compressor c = new Compressor(sr, block, 5, 50, 0);
        float amplitude = (float) Math.pow(10, levelDb / 20);
        float[] l = new float[block];
        float[] r = new float[block];
        for (int b = 0; b < 2000; b++) { // 1.3 s, many time constants
            for (int i = 0; i < block; i++) {
                l[i] = (i % 2 == 0) ? amplitude : -amplitude; // every block peaks at exactly the level
                r[i] = l[i] * 0.5f;
            }
            c.processBlock(l, r, 0, block, thresholdDb, ratio);
        }
        double expected = Compressor.staticGainDb(levelDb, thresholdDb, ratio, 0);
        assertEquals(expected, c.reductionDb(), 1e-3);
        assertEquals(levelDb + expected, 20 * Math.log10(Math.abs(l[block - 1])), 1e-3);
    }

    @Test
    void ratioOneIsTransparent() {
        Compressor c = new Compressor(44100, 32, 10, 100, 6);
        float[] l = new float[32];
        Arrays.fill(l, 0.9f);
        float[] copy = l.clone();
        for (int i = 0; i < 100; i++) {
            c.processBlock(l, null, 0, 32, -40, 1);
        }
        Assertions.assertArrayEquals(copy, l);
    }
}
