package ai.aimix.clients.song;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.kafka.StemInput;
import ai.aimix.schema.StemRole;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SongGeneratorTest {

    @Test
    void fiveToEightStereoStemsWithTheirRolesAndLength() {
        List<StemInput> five = new SongGenerator(1, 22050).generate(12, 5);
        assertEquals(
                List.of(StemRole.DRUMS, StemRole.BASS, StemRole.KEYS, StemRole.VOCALS, StemRole.LEAD),
                five.stream().map(s -> s.role).toList());
        List<StemInput> eight = new SongGenerator(1, 22050).generate(12, 8);
        assertEquals(8, eight.size());
        for (StemInput s : eight) {
            assertEquals(2, s.audio.channels());
            assertEquals(12 * 22050, s.audio.frames());
            float peak = 0;
            double energy = 0;
            for (float v : s.audio.samples()) {
                assertTrue(Float.isFinite(v));
                peak = Math.max(peak, Math.abs(v));
                energy += v * v;
            }
            assertTrue(peak > 0.2 && peak <= 0.9 + 1e-6, s.name + " peak " + peak);
            assertTrue(energy > 0, s.name + " is silent");
        }
        assertThrows(IllegalArgumentException.class, () -> new SongGenerator(1, 22050).generate(5, 9));
    }

    @Test
    void theSameSeedGivesTheSameSongAndAnotherSeedAnother() {
        float[] a = new SongGenerator(5, 16000).generate(4, 5).get(3).audio.samples();
        float[] b = new SongGenerator(5, 16000).generate(4, 5).get(3).audio.samples();
        float[] c = new SongGenerator(6, 16000).generate(12, 5).get(3).audio.samples();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, Arrays.copyOf(c, a.length)));
    }
}
