package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BradleyTerryTest {
    /** Two models: the MLE of the difference is the log odds, its variance 1 / (n p (1 - p)). */
    /**
     * A model that won every one of its few votes has no finite strength estimate to be sure of: its interval stays
     * wide (the model-based variance; the sandwich alone collapses to almost nothing here).
     */
    @Test
    void aSeparatedModelKeepsAWideInterval() {
        PairCounts c = new PairCounts();
        c.add("a", "b", PairCounts.Outcome.FIRST, 12);
        c.add("b", "c", PairCounts.Outcome.FIRST, 30);
        c.add("b", "c", PairCounts.Outcome.SECOND, 30);
        BradleyTerry.Rating a = BradleyTerry.fit(c).of("a");
        assertTrue(a.standardError() > 3, "se " + a.standardError());
        assertTrue(BradleyTerry.fit(c).of("b").standardError() < 1, "b and c are well measured against each other");
    }

    @Test
    void twoModelsMatchTheClosedForm() {
        PairCounts c = new PairCounts();
        c.add("a", "b", PairCounts.Outcome.FIRST, 75);
        c.add("a", "b", PairCounts.Outcome.SECOND, 25);
        BradleyTerry.Fit f = BradleyTerry.fit(c);
        assertTrue(f.converged());
        double diff = f.of("a").strength() - f.of("b").strength();
        assertEquals(Math.log(3), diff, 0.01, "log odds (the weak prior shrinks it by under 1 %)");
        assertEquals(0, f.of("a").strength() + f.of("b").strength(), 1e-12, "centred");
        double seDiff = Math.sqrt(1 / (100 * 0.75 * 0.25));
        assertEquals(seDiff / 2, f.of("a").standardError(), 0.002, "each centred strength carries half the difference");
        assertEquals(1, f.of("a").rank());
        assertEquals(2, f.of("b").rank(), "the intervals separate");
        assertEquals(100, f.of("a").votes());
    }

    @Test
    void tiesAreHalfWinsAndBothBadCountsForNothing() {
        PairCounts c = new PairCounts();
        c.add("a", "b", PairCounts.Outcome.TIE, 40);
        c.add("b", "a", PairCounts.Outcome.BOTH_BAD, 500);
        BradleyTerry.Fit f = BradleyTerry.fit(c);
        assertEquals(0, f.of("a").strength(), 1e-9);
        PairCounts d = new PairCounts();
        d.add("a", "b", PairCounts.Outcome.FIRST, 30);
        d.add("a", "b", PairCounts.Outcome.SECOND, 10);
        d.add("a", "b", PairCounts.Outcome.TIE, 20); // = 40 : 20 in half wins
        BradleyTerry.Fit g = BradleyTerry.fit(d);
        assertEquals(Math.log(2), g.of("a").strength() - g.of("b").strength(), 0.01);
    }

    /** The counts and the fit do not depend on the order the votes arrive in. */
    @Test
    void orderIndependent() {
        List<String[]> votes = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        String[] models = {"m1", "m2", "m3", "m4"};
        for (int i = 0; i < 400; i++) {
            int x = r.nextInt(4);
            int y = (x + 1 + r.nextInt(3)) % 4;
            votes.add(new String[] {models[x], models[y], PairCounts.Outcome.values()[r.nextInt(4)].name()});
        }
        BradleyTerry.Fit first = null;
        for (int shuffle = 0; shuffle < 3; shuffle++) {
            Collections.shuffle(votes, new Random(shuffle));
            PairCounts c = new PairCounts();
            for (String[] v : votes) {
                c.add(v[0], v[1], PairCounts.Outcome.valueOf(v[2]));
            }
            BradleyTerry.Fit f = BradleyTerry.fit(c);
            if (first == null) {
                first = f;
            } else {
                assertEquals(first, f);
            }
        }
    }

    /** A model that won every comparison stays finite, with a wide interval. */
    @Test
    void separationStaysFinite() {
        PairCounts c = new PairCounts();
        c.add("a", "b", PairCounts.Outcome.FIRST, 50);
        c.add("b", "c", PairCounts.Outcome.FIRST, 25);
        c.add("b", "c", PairCounts.Outcome.SECOND, 25);
        BradleyTerry.Fit f = BradleyTerry.fit(c);
        assertTrue(f.converged());
        assertTrue(Double.isFinite(f.of("a").strength()) && f.of("a").strength() > 2, f.toString());
        assertEquals("a", f.ratings().get(0).model());
    }

    /**
     * Known strengths, random battles, honest Bradley-Terry votes: over 200 tournaments the 95 % intervals cover the
     * true (centred) strengths 90-99 % of the time, and the fitted order is the true one on average.
     */
    @Test
    void recoversKnownStrengthsWithCalibratedIntervals() {
        double[] truth = {-1.0, -0.4, 0.0, 0.3, 1.1};
        double mean = Arrays.stream(truth).average().orElse(0);
        SplittableRandom r = new SplittableRandom(11);
        int covered = 0;
        int total = 0;
        double[] sum = new double[truth.length];
        for (int t = 0; t < 200; t++) {
            PairCounts c = new PairCounts();
            for (int v = 0; v < 400; v++) {
                int x = r.nextInt(truth.length);
                int y = (x + 1 + r.nextInt(truth.length - 1)) % truth.length;
                double p = BradleyTerry.sigmoid(truth[x] - truth[y]);
                c.add("m" + x, "m" + y, r.nextDouble() < p ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND);
            }
            BradleyTerry.Fit f = BradleyTerry.fit(c);
            for (int i = 0; i < truth.length; i++) {
                BradleyTerry.Rating rating = f.of("m" + i);
                sum[i] += rating.strength() / 200;
                double target = truth[i] - mean;
                if (rating.lower() <= target && target <= rating.upper()) {
                    covered++;
                }
                total++;
            }
        }
        double coverage = covered / (double) total;
        assertTrue(coverage > 0.90 && coverage < 0.99, "coverage " + coverage);
        for (int i = 0; i < truth.length; i++) {
            assertEquals(truth[i] - mean, sum[i], 0.05, "mean fitted strength of m" + i);
        }
    }
}
