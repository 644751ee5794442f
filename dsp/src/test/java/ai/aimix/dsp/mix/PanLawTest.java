package ai.aimix.dsp.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PanLawTest {

    @ParameterizedTest
    @ValueSource(doubles = {-1, -0.5, 0, 0.3, 1})
    void monoPanKeepsPowerConstant(double pan) {
        double[] g = PanLaw.gains(pan, 1);
        assertEquals(1.0, g[0] * g[0] + g[1] * g[1], 1e-12);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void positions(int channels) {
        double s = channels == 2 ? Math.sqrt(2) : 1;
        assertEquals(s * Math.sqrt(0.5), PanLaw.gains(0, channels)[0], 1e-12);
        assertEquals(s * Math.sqrt(0.5), PanLaw.gains(0, channels)[1], 1e-12);
        assertEquals(s, PanLaw.gains(-1, channels)[0], 1e-12);
        assertEquals(0, PanLaw.gains(-1, channels)[1], 1e-12);
        assertEquals(s, PanLaw.gains(1, channels)[1], 1e-12);
        // outside the range clamps
        assertEquals(PanLaw.gains(1, channels)[1], PanLaw.gains(3, channels)[1], 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void centreIsUnityForStereoAndMinusThreeDbForMono(int channels) {
        double g = PanLaw.gains(0, channels)[0];
        assertEquals(channels == 2 ? 0.0 : -3.0103, 20 * Math.log10(g), 1e-4);
    }
}
