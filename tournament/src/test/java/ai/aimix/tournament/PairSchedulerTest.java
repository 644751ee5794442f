package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairSchedulerTest {
    static final List<String> MODELS = List.of("m0", "m1", "m2", "m3", "m4", "m5");
    static final double[] TRUTH = {-1.2, -0.6, -0.1, 0.2, 0.5, 1.3};

    /**
     * Votes until every model's 95 % interval is narrower than {@code width} (in strength units), refitting every 20
     * votes; returns the votes used.
     */
    static int votesUntilPrecise(boolean active, long seed, double width) {
        SplittableRandom r = new SplittableRandom(seed);
        PairCounts c = new PairCounts();
        BradleyTerry.Fit fit = null;
        for (int votes = 1; votes <= 200_000; votes++) {
            String[] pair = active ? PairScheduler.next(MODELS, fit, r) : PairScheduler.uniform(MODELS, r);
            int a = MODELS.indexOf(pair[0]);
            int b = MODELS.indexOf(pair[1]);
            boolean aWins = r.nextDouble() < BradleyTerry.sigmoid(TRUTH[a] - TRUTH[b]);
            c.add(pair[0], pair[1], aWins ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND);
            if (votes % 20 == 0) {
                fit = BradleyTerry.fit(c);
                if (fit.ratings().size() == MODELS.size()
                        && fit.ratings().stream().allMatch(x -> x.upper() - x.lower() < width)) {
                    return votes;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    /** Active sampling reaches the same precision with fewer votes than uniform pairs (summed over 96 runs). */
    @Test
    void needsFewerVotesThanUniformPairs() {
        long active = 0;
        long uniform = 0;
        for (long seed = 1; seed <= 96; seed++) {
            active += votesUntilPrecise(true, seed, 0.5);
            uniform += votesUntilPrecise(false, seed, 0.5);
        }
        System.out.println(
                "votes for 95% intervals narrower than 0.5: active " + active / 96 + ", uniform " + uniform / 96);
        assertTrue(active < uniform, "active " + active + " vs uniform " + uniform);
    }

    @Test
    void neverPairsAModelWithItselfAndReachesEveryPair() {
        SplittableRandom r = new SplittableRandom(2);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String[] p = PairScheduler.next(MODELS, null, r);
            assertNotEquals(p[0], p[1]);
            seen.add(p[0].compareTo(p[1]) < 0 ? p[0] + p[1] : p[1] + p[0]);
        }
        assertTrue(seen.size() == 15, "pairs seen: " + seen.size());
    }
}
