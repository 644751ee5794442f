package ai.aimix.tournament.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Assignment by hashed id (stable, in proportion, independent across salts), the effect's interval against the
 * published example, and the stop rule's error rates on simulated experiments.
 */
class ExperimentTest {
    static final Experiment E = Experiment.ab("mixed-for-you", "2026-12", "off", "on");

    @Test
    void armsAreStableProportionalAndIndependentAcrossSalts() {
        Experiment other = Experiment.ab("other", "another salt", "off", "on");
        Experiment thirds = new Experiment("thirds", "s", List.of("a", "b", "c"), List.of(0.5, 0.3, 0.2));
        int on = 0;
        int same = 0;
        int[] third = new int[3];
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            String id = "l_" + i;
            assertEquals(E.arm(id), E.arm(id), "the same arm every time");
            on += E.arm(id).equals("on") ? 1 : 0;
            same += E.arm(id).equals(other.arm(id)) ? 1 : 0;
            third[List.of("a", "b", "c").indexOf(thirds.arm(id))]++;
        }
        // binomial standard error at n = 100,000 is 0.0016: four of them
        assertEquals(0.5, (double) on / n, 0.0063);
        assertEquals(0.5, (double) same / n, 0.0063, "another salt assigns independently");
        assertEquals(0.5, (double) third[0] / n, 0.0063);
        assertEquals(0.3, (double) third[1] / n, 0.0058);
        assertEquals(0.2, (double) third[2] / n, 0.0051);
        assertThrows(
                IllegalArgumentException.class, () -> new Experiment("x", "s", List.of("a", "b"), List.of(0.5, 0.6)));
        assertThrows(IllegalArgumentException.class, () -> Experiment.ab("no spaces", "s", "a", "b"));
    }

    /** Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 against 48/80, method 10. */
    @Test
    void theIntervalIsNewcombesHybridScore() {
        ExperimentReport.Effect f =
                ExperimentReport.effect(new ExperimentReport.Arm(80, 48), new ExperimentReport.Arm(70, 56));
        assertEquals(0.2, f.difference(), 1e-12);
        assertEquals(0.0524, f.lower(), 5e-5);
        assertEquals(0.3339, f.upper(), 5e-5);
        // the z-test of no difference: z = 0.2 / sqrt(0.6933 * 0.3067 * (1/80 + 1/70)) = 2.65
        assertEquals(0.0080, f.p(), 5e-4);
        assertEquals(0.975, ExperimentReport.normalCdf(1.959963984540054), 1e-6);
    }

    @Test
    void theStopRuleKeepsFalseWinnersRareAndFindsARealEffect() {
        SplittableRandom r = new SplittableRandom(3);
        int falseWinners = 0;
        int found = 0;
        int runs = 2000;
        for (int run = 0; run < runs; run++) {
            falseWinners += simulate(0.30, 0.30, r).startsWith("stop: on") ? 1 : 0;
            found += simulate(0.30, 0.40, r).equals("stop: on better") ? 1 : 0;
        }
        System.out.printf(
                "stop rule: %d of %d A/A experiments named a winner, a 10-point effect found in %d%n",
                falseWinners, runs, found);
        // at most 4/3 alpha (0.067) over every look; 2000 runs: standard error 0.0056
        assertTrue(falseWinners < 0.067 * runs + 3 * Math.sqrt(0.067 * runs), "false winners: " + falseWinners);
        assertTrue(found > 0.8 * runs, "a 10-point effect found in " + found + " of " + runs);
    }

    /** Listeners arrive one by one, split by their id; returns where the report stopped them. */
    static String simulate(double off, double on, SplittableRandom r) {
        List<ExperimentReport.Unit> units = new ArrayList<>();
        String id0 = Long.toHexString(r.nextLong());
        for (int i = 0; i < 4000; i++) {
            String arm = E.arm(id0 + i);
            units.add(new ExperimentReport.Unit(arm, r.nextDouble() < (arm.equals("off") ? off : on)));
        }
        ExperimentReport report = ExperimentReport.of(E, units, 100, 1600, 0.05);
        // asked again on the same listeners, the same answer (a look is taken once)
        assertEquals(
                report.decision(),
                ExperimentReport.of(E, units, 100, 1600, 0.05).decision());
        return report.decision();
    }
}
