package ai.aimix.jobs.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.operators.tournament.BenchmarkGate;
import ai.aimix.schema.auth.TournamentKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TournamentJobOptionsTest {

    @Test
    void keysComeFromAFileWhenTheOptionIsNotSet(@TempDir Path dir) throws Exception {
        TournamentKeys a = TournamentKeys.generate("a");
        TournamentKeys b = TournamentKeys.generate("b");
        Path file = dir.resolve("keys");
        // as a mounted Secret may hold them: one per line, a trailing new line
        Files.writeString(file, a.specs().get(0) + "\n" + b.specs().get(0) + "\n");
        Configuration c = new Configuration();
        c.set(TournamentJobOptions.SECRET_KEYS_FILE, file.toString());
        TournamentJobOptions.validate(c);
        assertEquals(
                List.of(a.specs().get(0), b.specs().get(0)),
                TournamentJobOptions.keys(c).specs());
    }

    @Test
    void anUnreadableOrEmptyKeysFileIsRefusedByName(@TempDir Path dir) throws Exception {
        Configuration c = new Configuration();
        c.set(TournamentJobOptions.SECRET_KEYS_FILE, dir.resolve("missing").toString());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TournamentJobOptions.validate(c));
        assertTrue(e.getMessage().startsWith("aimix.tournament.secret-keys-file: cannot read"), e.getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n;\n");
        c.set(TournamentJobOptions.SECRET_KEYS_FILE, empty.toString());
        e = assertThrows(IllegalArgumentException.class, () -> TournamentJobOptions.validate(c));
        assertTrue(e.getMessage().endsWith("holds no key"), e.getMessage());
    }

    @Test
    void withoutKeysAuthenticationIsRefusedNamingBothOptions() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TournamentJobOptions.validate(new Configuration()));
        assertTrue(
                e.getMessage().contains("aimix.tournament.secret-keys (or aimix.tournament.secret-keys-file)"),
                e.getMessage());
    }

    @Test
    void theQualityGateOptionsAreCheckedByName() {
        for (String[] bad : new String[][] {
            {"aimix.tournament.evolution.gate.songs", "0", "must be at least 1"},
            {"aimix.tournament.evolution.gate.bars", "4", "must be at least 6"},
            {"aimix.tournament.evolution.gate.distance-tolerance", "-0.1", "must be a finite number >= 0"},
            {"aimix.tournament.evolution.hidden-scale", "NaN", "must be a finite number >= 0"}
        }) {
            Configuration c = new Configuration();
            c.setString("aimix.tournament.authenticate", "false");
            c.setString(bad[0], bad[1]);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> TournamentJobOptions.validate(c));
            assertTrue(e.getMessage().startsWith(bad[0] + " " + bad[2]), e.getMessage());
        }
        BenchmarkGate.Settings g = TournamentJobOptions.gate(new Configuration());
        assertEquals(6, g.songs);
        assertEquals(0.0, g.distanceTolerance);
        assertEquals(65536, g.segmentFrames);
    }
}
