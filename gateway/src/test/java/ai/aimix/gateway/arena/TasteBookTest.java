package ai.aimix.gateway.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.tournament.taste.TasteProbe;
import ai.aimix.tournament.taste.TasteProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners' taste answers: kept in the shared store (another replica, or a restart, reads them back), and learnt into
 * profiles: a listener who always picks the probe with the louder vocals, against a crowd that picks the model's
 * level, gets a profile asking for louder vocals; one who answers at random gets none applied.
 */
class TasteBookTest {
    @TempDir
    Path dir;

    static final String LOUD = "l_" + "a".repeat(24);
    static final String RANDOM = "l_" + "b".repeat(24);

    @Test
    void answersPersistAndAClearTasteIsLearntWhileNoiseIsNot() throws Exception {
        TasteBook book = new TasteBook(dir);
        assertNull(book.profile(LOUD), "no answers, no profile");
        SplittableRandom r = new SplittableRandom(7);
        // the crowd: twenty listeners who like the model's levels (they pick the level nearer 0)
        for (int c = 0; c < 20; c++) {
            String id = String.format("l_%024x", c + 1);
            for (int k = 0; k < 30; k++) {
                double[][] p = probe(r);
                double ua = -Math.pow(p[0][(int) p[2][0]] / 4, 2);
                double ub = -Math.pow(p[1][(int) p[2][0]] / 4, 2);
                book.answer(id, p[0], p[1], r.nextDouble() < 1 / (1 + Math.exp(-(ua - ub) * 4)) ? 1 : 0);
            }
        }
        for (int k = 0; k < 30; k++) {
            double[][] p = probe(r);
            int role = (int) p[2][0];
            // vocals: nearer +4.5 dB wins; other roles: nearer the model's level
            double want = role == 0 ? 4.5 : 0;
            double ua = -Math.pow((p[0][role] - want) / 4, 2);
            double ub = -Math.pow((p[1][role] - want) / 4, 2);
            book.answer(LOUD, p[0], p[1], ua > ub ? 1 : ua < ub ? 0 : 0.5);
            book.answer(RANDOM, p[0], p[1], r.nextBoolean() ? 1 : 0);
        }
        book.refresh();
        TasteProfile loud = book.profile(LOUD);
        assertEquals(30, loud.votes());
        assertTrue(loud.applyDb()[0] > 2, "louder vocals: " + loud.describe());
        assertEquals(0, loud.applyDb()[1], 1e-9, "drums left: " + loud.describe());
        TasteProfile noise = book.profile(RANDOM);
        for (int role = 0; role < TasteProfile.ROLES.size(); role++) {
            assertTrue(Math.abs(noise.applyDb()[role]) < 2, "a random listener: " + noise.describe());
        }

        // another replica (or a restart) reads the same answers from the shared store
        TasteBook again = new TasteBook(dir);
        again.refresh();
        assertEquals(30, again.answers(LOUD));
        assertEquals(loud.preferredDb()[0], again.profile(LOUD).preferredDb()[0], 1e-9);
        assertTrue(Files.readString(dir.resolve(LOUD + ".txt")).lines().count() == 30);
        assertThrows(IllegalArgumentException.class, () -> book.answer("../etc", new double[3], new double[3], 1));
    }

    /** Two levels of one role, as the arena's probes are: {A's offsets, B's offsets, {role}}. */
    static double[][] probe(SplittableRandom r) {
        TasteProbe p = TasteProbe.draw(r);
        return new double[][] {p.offsetsA(), p.offsetsB(), {p.role()}};
    }
}
