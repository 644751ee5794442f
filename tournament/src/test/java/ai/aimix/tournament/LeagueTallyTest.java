package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.StandardNormal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Abuse detection measured on a simulated league: honest listeners (Bradley-Terry preferences with personal taste)
 * and three kinds of bad actors (always A, random, adversarial: the worse mix on purpose), 20, 40 and 80 votes
 * each, interleaved; about a fifth of every voter's battles are attention checks (a reference mix against a plain sum,
 * which attentive listeners get right 98 % of the time). The target: at least 90 % of bad actors flagged
 * with at most 5 % of honest voters flagged.
 */
class LeagueTallyTest {
    static final double[] TRUTH = {-1.2, -0.6, -0.1, 0.3, 0.7, 1.2};
    /**
     * The screen's level, chosen for the budget (at most 5 % of honest voters flagged). Measured with 600
     * honest voters and 40 of each kind of bad actor (seeds 17, 1, 2, 3): 0.2 flags 93-97 % of bad actors (random
     * voters are the hard ones: 32-36 of 40) and 2.2-3.0 % of honest voters after 20 votes each, 2.2-3.8 % after
     * 80; 0.1 (seed 17) flags 89 % and 0.8 % after 20 votes. Before the screen was sequential (a fixed level
     * re-tested at every vote), honest flags kept growing with the votes: 12 % of an all-honest panel at ~68 votes
     * each in the simulated tournament.
     */
    static final double ALPHA = 0.2;

    @Test
    void flagsBadActorsAndKeepsHonestVoters() {
        SplittableRandom r = new SplittableRandom(17);
        int honest = 600;
        int each = 40;
        List<String> voters = new ArrayList<>();
        List<double[]> taste = new ArrayList<>();
        for (int v = 0; v < honest; v++) {
            voters.add("honest-" + v);
            double[] t = new double[TRUTH.length];
            for (int m = 0; m < t.length; m++) {
                t[m] = TRUTH[m] + 0.3 * StandardNormal.draw(r);
            }
            taste.add(t);
        }
        for (String kind : List.of("always-a", "random", "adversarial")) {
            for (int v = 0; v < each; v++) {
                voters.add(kind + "-" + v);
                taste.add(null);
            }
        }
        LeagueTally tally = new LeagueTally(ALPHA, 20);
        int checks = 0;
        int cast = 0;
        // every voter casts 20 votes, then 20 more, then 40 more; within each block the order of all votes is
        // shuffled. The screen is measured after each block: the target at 20 votes each, and the
        // sequential screen's promise that honest voters do not pile up flags as their records grow.
        int[] blocks = {20, 40, 80};
        int done = 0;
        for (int upTo : blocks) {
            List<Integer> schedule = new ArrayList<>();
            for (int v = 0; v < voters.size(); v++) {
                for (int k = done; k < upTo; k++) {
                    schedule.add(v);
                }
            }
            Collections.shuffle(schedule, new Random(3 + upTo));
            for (int v : schedule) {
                checks += vote(tally, voters.get(v), taste.get(v), r) ? 1 : 0;
                cast++;
            }
            done = upTo;
            int[] f = flagged(tally, each);
            double recall = (f[0] + f[1] + f[2]) / (3.0 * each);
            System.out.printf(
                    "after %d votes each: flagged always-A %d/%d, random %d/%d, adversarial %d/%d, " + "honest %d/%d%n",
                    upTo, f[0], each, f[1], each, f[2], each, f[3], honest);
            assertTrue(f[3] <= 0.05 * honest, "honest flagged after " + upTo + ": " + f[3]);
            assertTrue(f[0] == each && f[2] == each, "always-A and adversarial all flagged");
            assertTrue(recall >= 0.9, "recall " + recall);
            assertTrue(f[1] >= each / 2, "most random voters flagged");
        }
        assertEquals(cast - checks, tally.votes(), "attention checks do not count as votes");
        // the ratings fitted without the flagged voters keep the true order
        BradleyTerry.Fit fit = BradleyTerry.fit(tally.rated());
        for (int m = 0; m < TRUTH.length; m++) {
            assertEquals("m" + (TRUTH.length - 1 - m), fit.ratings().get(m).model());
        }
        // a checkpoint of the tally restores the same counts, flags and ratings, and goes on screening the same way
        LeagueTally back = LeagueTally.restore(ALPHA, 20, tally.voters(), tally.votes());
        assertEquals(tally.flagged(), back.flagged());
        assertEquals(fit, BradleyTerry.fit(back.rated()));
        assertEquals(BradleyTerry.fit(tally.all()), BradleyTerry.fit(back.all()));
        assertEquals(tally.verdict("random-3"), back.verdict("random-3"));
        SplittableRandom r1 = new SplittableRandom(99);
        SplittableRandom r2 = new SplittableRandom(99);
        for (int i = 0; i < 80 * 40; i++) {
            int v = i % voters.size();
            vote(tally, voters.get(v), taste.get(v), r1);
            vote(back, voters.get(v), taste.get(v), r2);
        }
        assertEquals(tally.flagged(), back.flagged());
        assertEquals(BradleyTerry.fit(tally.rated()), BradleyTerry.fit(back.rated()));
        long ratedVotes =
                tally.rated().pairs().stream().mapToLong(PairCounts.Pair::votes).sum();
        long allVotes =
                tally.all().pairs().stream().mapToLong(PairCounts.Pair::votes).sum();
        assertTrue(ratedVotes < allVotes && allVotes == tally.votes());
    }

    /** Counts of flagged always-A, random, adversarial and honest voters. */
    private static int[] flagged(LeagueTally tally, int each) {
        int[] f = new int[4];
        for (String name : tally.flagged()) {
            f[name.startsWith("honest") ? 3 : name.startsWith("always-a") ? 0 : name.startsWith("random") ? 1 : 2]++;
        }
        return f;
    }

    /**
     * One battle for a voter: about a fifth are attention checks (a song's reference mix against its plain sum,
     * sides in random order; attentive listeners pick the reference 98 % of the time, never a tie), the rest a pair
     * of models (honest listeners prefer by their taste, 5 % ties). Returns whether it was a check.
     */
    private static boolean vote(LeagueTally tally, String voterName, double[] t, SplittableRandom r) {
        boolean check = r.nextDouble() < 0.2;
        String first;
        String second;
        boolean firstIsBetter;
        double honestFirst;
        double ties;
        if (check) {
            firstIsBetter = r.nextBoolean();
            first = firstIsBetter ? "reference" : "sum";
            second = firstIsBetter ? "sum" : "reference";
            honestFirst = firstIsBetter ? 0.98 : 0.02;
            ties = 0;
        } else {
            int a = r.nextInt(TRUTH.length);
            int b = (a + 1 + r.nextInt(TRUTH.length - 1)) % TRUTH.length;
            first = "m" + a;
            second = "m" + b;
            firstIsBetter = TRUTH[a] > TRUTH[b];
            honestFirst = voterName.startsWith("honest") ? BradleyTerry.sigmoid(t[a] - t[b]) : 0;
            ties = 0.05;
        }
        PairCounts.Outcome o;
        if (voterName.startsWith("always-a")) {
            o = PairCounts.Outcome.FIRST;
        } else if (voterName.startsWith("random")) {
            o = r.nextBoolean() ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND;
        } else if (voterName.startsWith("adversarial")) {
            o = firstIsBetter ? PairCounts.Outcome.SECOND : PairCounts.Outcome.FIRST;
        } else {
            double u = r.nextDouble();
            o = u < ties
                    ? PairCounts.Outcome.TIE
                    : u < ties + (1 - ties) * honestFirst ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND;
        }
        PairCounts.Outcome expected =
                !check ? null : firstIsBetter ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND;
        tally.fold(voterName, first, second, o, expected);
        return check;
    }
}
