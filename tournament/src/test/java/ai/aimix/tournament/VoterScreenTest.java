package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VoterScreenTest {
    @Test
    void chiSquareSurvivalMatchesKnownValues() {
        // P(χ²₂ ≥ x) = e^{-x/2}; P(χ²₄ ≥ 9.4877) = 0.05; P(χ²₄₀ ≥ 55.758) = 0.05 (tables)
        assertEquals(Math.exp(-1.5), VoterScreen.chiSquareSurvivalEven(3, 1), 1e-12);
        assertEquals(0.05, VoterScreen.chiSquareSurvivalEven(9.4877, 2), 1e-4);
        assertEquals(0.05, VoterScreen.chiSquareSurvivalEven(55.758, 20), 1e-4);
    }

    @Test
    void binomialTwoSided() {
        assertEquals(2 * Math.pow(0.5, 20), VoterScreen.binomialTwoSided(20, 20), 1e-15);
        assertEquals(1.0, VoterScreen.binomialTwoSided(10, 20), 1e-12);
        // P(X <= 5) for n = 20, doubled: 0.041389...
        assertEquals(0.0413894653, VoterScreen.binomialTwoSided(5, 20), 1e-9);
    }

    @Test
    void midPValues() {
        // the crowd: 80 first, 15 second, 5 ties -> probabilities 81/103, 16/103, 6/103
        assertEquals(6 / 103.0 / 2, VoterScreen.midP(PairCounts.Outcome.TIE, 80, 15, 5), 1e-12);
        assertEquals(6 / 103.0 + 16 / 103.0 / 2, VoterScreen.midP(PairCounts.Outcome.SECOND, 80, 15, 5), 1e-12);
        assertEquals(22 / 103.0 + 81 / 103.0 / 2, VoterScreen.midP(PairCounts.Outcome.FIRST, 80, 15, 5), 1e-12);
    }

    @Test
    void looksAtDoublingRecordsWithQuarteringLevels() {
        assertEquals(-1, VoterScreen.look(19, 20));
        assertEquals(0, VoterScreen.look(20, 20));
        assertEquals(-1, VoterScreen.look(21, 20));
        assertEquals(-1, VoterScreen.look(60, 20));
        assertEquals(1, VoterScreen.look(40, 20));
        assertEquals(2, VoterScreen.look(80, 20));
        assertEquals(5, VoterScreen.look(640, 20));
        VoterScreen screen = new VoterScreen(0.2, 20);
        assertEquals(0.2, screen.threshold(20), 1e-15);
        assertEquals(0.2, screen.threshold(39), 1e-15);
        assertEquals(0.05, screen.threshold(40), 1e-15);
        assertEquals(0.0125, screen.threshold(80), 1e-15);
        assertEquals(0.2 / 1024, screen.threshold(640), 1e-15);
    }

    /**
     * Voters who vote like the crowd are rarely flagged; a contrarian (always the less popular side), an
     * always-first voter and a voter who always votes tie on decided pairs are flagged after 20 votes.
     */
    @Test
    void flagsVotersUnlikeTheCrowd() {
        SplittableRandom r = new SplittableRandom(5);
        VoterScreen screen = new VoterScreen(0.01, 20);
        int honest = 300;
        for (int v = 0; v < honest; v++) {
            for (int i = 0; i < 20; i++) {
                // a decided pair: the crowd prefers the better model 75 % of the time, 5 % ties
                double u = r.nextDouble();
                PairCounts.Outcome o = u < 0.75
                        ? PairCounts.Outcome.FIRST
                        : u < 0.95 ? PairCounts.Outcome.SECOND : PairCounts.Outcome.TIE;
                vote(screen, "honest-" + v, o, r.nextBoolean());
            }
        }
        int flaggedHonest = 0;
        for (int v = 0; v < honest; v++) {
            flaggedHonest += screen.verdict("honest-" + v).flagged() ? 1 : 0;
        }
        assertTrue(flaggedHonest <= honest * 0.03, "honest voters flagged: " + flaggedHonest);
        for (int i = 0; i < 20; i++) {
            boolean swapped = r.nextBoolean();
            vote(screen, "contrarian", PairCounts.Outcome.SECOND, swapped);
            // the better model's mix shown first or second at random; this voter picks whatever is shown first
            vote(screen, "always-first", swapped ? PairCounts.Outcome.SECOND : PairCounts.Outcome.FIRST, swapped);
            vote(screen, "ties", PairCounts.Outcome.TIE, swapped);
        }
        VoterScreen.Verdict contrarian = screen.verdict("contrarian");
        assertTrue(contrarian.flagged(), contrarian.toString());
        assertTrue(contrarian.agreementPValue() < 1e-6 && contrarian.pValue() < 0.002, contrarian.toString());
        VoterScreen.Verdict first = screen.verdict("always-first");
        assertTrue(first.flagged(), first.toString());
        assertTrue(first.sidePValue() < 1e-5, "20 of 20 on side A: " + first);
        VoterScreen.Verdict ties = screen.verdict("ties");
        assertTrue(ties.flagged(), ties.toString());
        assertTrue(ties.pValue() < 1e-6 && ties.agreementPValue() == 1 && ties.sidePValue() == 1, ties.toString());
        VoterScreen.Verdict early = new VoterScreen(0.01, 21).verdict("nobody");
        assertFalse(early.flagged());
        assertEquals(0, early.votes());
    }

    /**
     * A vote on the decided pair (crowd: 75 first, 20 second, 5 ties in the better-first orientation), cast as
     * {@code o} in that orientation and shown with sides swapped or not.
     */
    private static void vote(VoterScreen screen, String voter, PairCounts.Outcome o, boolean swapped) {
        PairCounts.Outcome shown = swapped ? flip(o) : o;
        if (swapped) {
            screen.vote(voter, shown, 20, 75, 5);
        } else {
            screen.vote(voter, shown, 75, 20, 5);
        }
        if (shown != PairCounts.Outcome.TIE) {
            screen.side(voter, shown == PairCounts.Outcome.FIRST);
        }
    }

    private static PairCounts.Outcome flip(PairCounts.Outcome o) {
        return o == PairCounts.Outcome.FIRST
                ? PairCounts.Outcome.SECOND
                : o == PairCounts.Outcome.SECOND ? PairCounts.Outcome.FIRST : o;
    }
}
