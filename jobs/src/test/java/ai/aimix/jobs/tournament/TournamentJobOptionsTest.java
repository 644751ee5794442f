package ai.aimix.jobs.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
