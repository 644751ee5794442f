package ai.aimix.launcher.cli.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.launcher.cli.CliRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad options of {@code aimix tournament simulate} and {@code taste}: one line on stderr, exit 2, nothing started. */
class TournamentCommandTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "--generations=0",
                "--voters=1",
                "--bad-share=0.95",
                "--bars=4",
                "--vote-budget=0",
                "--interval-width=-1",
                "--league=a/b",
                "--generations=x"
            })
    void badOptionsAreOneLineAndExitTwo(String option) {
        CliRun r = CliRun.run("tournament", "simulate", option);
        assertEquals(2, r.code, r.toString());
        assertEquals(1, r.err.strip().lines().count(), r.toString());
        assertTrue(r.err.startsWith("aimix"), r.toString());
        assertTrue(r.out.isEmpty(), "nothing started: " + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--votes=0", "--votes=10,-1", "--listeners-per-taste=0", "--train-songs=0", "--votes=x"})
    void badTasteOptionsAreOneLineAndExitTwo(String option) {
        CliRun r = CliRun.run("tournament", "taste", option);
        assertEquals(2, r.code, r.toString());
        assertEquals(1, r.err.strip().lines().count(), r.toString());
        assertTrue(r.err.startsWith("aimix"), r.toString());
        assertTrue(r.out.isEmpty(), "nothing started: " + r);
    }
}
