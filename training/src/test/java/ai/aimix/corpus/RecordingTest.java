package ai.aimix.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The rooms of a ROOM recording: a function of the seed, the direct sound first, reverberation times in range. */
class RecordingTest {
    static final int RATE = 44100;

    @Test
    void aRoomIsAFunctionOfItsSeedWithTheDirectSoundFirstAndItsOwnReflectionsPerChannel() {
        float[][] a = Recording.response(11, RATE);
        assertArrayEquals(a[0], Recording.response(11, RATE)[0]);
        assertFalse(Arrays.equals(a[0], Recording.response(12, RATE)[0]));
        assertFalse(Arrays.equals(a[0], a[1]), "each channel its own room");
        for (float[] h : a) {
            assertEquals(1f, h[0], 0f);
            double early = 0;
            for (int i = 1; i < (int) (0.035 * RATE) + 2; i++) {
                early = Math.max(early, Math.abs(h[i]));
            }
            assertTrue(
                    early >= Math.pow(10, -20 / 20.0) && early <= 2 * Math.pow(10, -6 / 20.0), "reflections " + early);
        }
    }

    /**
     * Schroeder's backward integration of the tail's energy: the time to fall from -5 to -25 dB, times three (T20),
     * is the drawn reverberation time, within the range the recording promises.
     */
    @Test
    void reverberationTimesAreInTheirRange() {
        for (long seed = 1; seed <= 20; seed++) {
            float[] h = Recording.response(seed, RATE)[0];
            int start = (int) Math.round(0.020 * RATE);
            double[] energy = new double[h.length - start + 1];
            for (int i = h.length - 1; i >= start; i--) {
                energy[i - start] = energy[i - start + 1] + (double) h[i] * h[i];
            }
            int at5 = -1;
            int at25 = -1;
            for (int i = 0; i < energy.length - 1; i++) {
                double db = 10 * Math.log10(energy[i] / energy[0]);
                if (at5 < 0 && db <= -5) {
                    at5 = i;
                }
                if (at25 < 0 && db <= -25) {
                    at25 = i;
                }
            }
            double t20 = 3.0 * (at25 - at5) / RATE;
            assertTrue(
                    t20 >= 0.8 * Recording.MIN_RT60_S && t20 <= 1.2 * Recording.MAX_RT60_S,
                    "seed " + seed + ": T20 " + t20 + " s");
        }
    }

    /**
     * Consecutive songs' rooms are unrelated (seeding room i of song s with s * gamma + i once gave song s + 1 the
     * rooms of song s shifted by a draw): the tails of the first stem's rooms of songs 1..20 correlate below 0.2 at
     * every lag up to 2,000 samples.
     */
    @Test
    void consecutiveSongsGetRoomsOfTheirOwn() {
        for (long song = 1; song < 20; song++) {
            float[] a = Recording.response(CorpusSong.roomSeeds(song, 1)[0], RATE)[0];
            float[] b = Recording.response(CorpusSong.roomSeeds(song + 1, 1)[0], RATE)[0];
            int from = (int) (0.060 * RATE);
            int len = (int) (0.1 * RATE);
            for (int lag = -2000; lag <= 2000; lag += 1) {
                double xy = 0;
                double xx = 0;
                double yy = 0;
                for (int i = from; i < from + len; i++) {
                    double x = a[i];
                    double y = b[i + lag];
                    xy += x * y;
                    xx += x * x;
                    yy += y * y;
                }
                double corr = Math.abs(xy) / Math.sqrt(xx * yy);
                assertTrue(corr < 0.2, "songs " + song + " and " + (song + 1) + " at lag " + lag + ": " + corr);
            }
        }
    }

    @Test
    void aDryRecordingIsTheStemItself() {
        float[] x = {0.5f, -0.5f, 0.25f, 0.25f};
        assertSame(x, Recording.DRY.record(x, RATE, 1));
        float[] wet = Recording.ROOM.record(x, RATE, 1);
        assertEquals(x.length, wet.length);
        assertEquals(0.5f, wet[0], 1e-6f, "the direct sound first");
    }
}
