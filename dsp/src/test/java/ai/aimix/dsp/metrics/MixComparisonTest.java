package ai.aimix.dsp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.resample.Resampler;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MixComparisonTest {

    /** A 6 dB quieter copy is matched in loudness: MR-STFT near zero, PEAQ at the top, the gain reported. */
    @Test
    void levelDifferenceIsMatchedAway() {
        float[][] ref = TestMusic.stereo(48000, 5, 3);
        float[][] quiet = new float[2][ref[0].length];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < quiet[c].length; i++) {
                quiet[c][i] = ref[c][i] * 0.5f;
            }
        }
        MixComparison m = MixComparison.compare(ref, 48000, quiet, 48000, true);
        assertEquals(6.02, m.matchGainDb, 0.01);
        assertTrue(m.mrStft.distance < 1e-3, "" + m.mrStft.distance);
        assertNotNull(m.peaq);
        assertTrue(m.peaq.odg() > 0.1);
        assertTrue(m.notes.isEmpty(), m.notes.toString());
    }

    /** Another rate is resampled, another length trimmed, and both are said. */
    @Test
    void reconcilesRateAndLengthAndSaysSo() {
        float[][] ref = TestMusic.stereo(44100, 4, 3);
        float[][] at48 = new Resampler(44100, 48000).process(ref);
        float[][] longer = {Arrays.copyOf(at48[0], at48[0].length + 4800), Arrays.copyOf(at48[1], at48[1].length + 4800)
        };
        MixComparison m = MixComparison.compare(ref, 44100, longer, 48000, true);
        assertEquals(2, m.notes.stream().filter(n -> n.contains("resampled")).count(), m.notes.toString());
        assertTrue(m.notes.stream().anyMatch(n -> n.startsWith("lengths differ")), m.notes.toString());
        // a there-and-back resampling of the same music is almost the same mix
        assertTrue(m.mrStft.distance < 0.2, "" + m.mrStft.distance);
        assertTrue(m.peaq.odg() > -0.5, "" + m.peaq.odg());
        assertEquals(4.0, m.seconds, 1e-3);
    }

    @Test
    void refusesWhatItCannotCompare() {
        float[][] st = TestMusic.stereo(44100, 1, 3);
        assertThrows(
                IllegalArgumentException.class,
                () -> MixComparison.compare(st, 44100, new float[][] {st[0]}, 44100, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> MixComparison.compare(new float[3][100], 44100, new float[3][100], 44100, false));
        assertThrows(
                IllegalArgumentException.class, () -> MixComparison.compare(new float[2][0], 44100, st, 44100, false));
    }

    /**
     * A silent candidate: no loudness matching, and a note that PEAQ's grade means nothing here (it models coding
     * impairments of a signal that is there: with no test signal, noise loudness is 0 and the bandwidth detector
     * reads the test's full band, so the grade lands mid-scale). MR-STFT is the number that catches it.
     */
    @Test
    void silentCandidate() {
        float[][] ref = TestMusic.stereo(48000, 3, 3);
        MixComparison m = MixComparison.compare(ref, 48000, new float[2][ref[0].length], 48000, true);
        assertEquals(0.0, m.matchGainDb);
        assertTrue(m.notes.stream().anyMatch(n -> n.contains("no loudness matching")), m.notes.toString());
        assertTrue(m.notes.stream().anyMatch(n -> n.startsWith("PEAQ is not meaningful")), m.notes.toString());
        assertTrue(m.mrStft.distance > 3, "" + m.mrStft.distance);
        MixComparison silentRef = MixComparison.compare(new float[2][48000], 48000, ref, 48000, true);
        assertNull(silentRef.peaq);
        assertTrue(silentRef.notes.stream().anyMatch(n -> n.startsWith("PEAQ not computed")));
    }

    /** The lean distance simulated listeners use is the full comparison's number. */
    @Test
    void matchedDistanceIsCompareDistance() {
        float[][] ref = TestMusic.stereo(44100, 4, 3);
        float[][] other = TestMusic.stereo(44100, 4, 5);
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < other[c].length; i++) {
                other[c][i] *= 0.3f;
            }
        }
        assertEquals(
                MixComparison.compare(ref, 44100, other, 44100, false).mrStft.distance,
                MixComparison.matchedDistance(ref, other, 44100),
                1e-12);
        assertEquals(0, MixComparison.matchedDistance(ref, ref, 44100), 1e-12);
    }
}
