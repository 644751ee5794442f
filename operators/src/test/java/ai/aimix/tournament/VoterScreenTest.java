package ai.aimix.tournament;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Voters who vote like the crowd are rarely flagged; a contrarian (always the less popular side) and an
     * always-first voter on decided pairs are flagged after 20 votes.
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
                PairCounts.Outcome o = u < 0.75 ? PairCounts.Outcome.FIRST : u < 0.95 ? PairCounts.Outcome.SECOND
                        : PairCounts.Outcome.TIE;
                boolean swapped = r.nextBoolean(); // sides shown in random order
                PairCounts.Outcome shown = swapped ? flip(o) : o;
                screen.add("honest-" + v, swapped ? VoterScreen.midP(shown, 20, 75, 5)
                        : VoterScreen.midP(shown, 75, 20, 5));
                if (shown != PairCounts.Outcome.TIE) {
                    screen.side("honest-" + v, shown == PairCounts.Outcome.FIRST);
                }
            }
        }
        int flaggedHonest = 0;
        for (int v = 0; v < honest; v++) {
            flaggedHonest += screen.verdict("honest-" + v).flagged() ? 1 : 0;
        }
        assertTrue(flaggedHonest <= honest * 0.03, "honest voters flagged: " + flaggedHonest);
        for (int i = 0; i < 20; i++) {
            boolean swapped = r.nextBoolean();
            screen.add("contrarian", swapped ? VoterScreen.midP(PairCounts.Outcome.FIRST, 20, 75, 5)
                    : VoterScreen.midP(PairCounts.Outcome.SECOND, 75, 20, 5));
            screen.side("contrarian", swapped);
            screen.add("always-first", swapped ? VoterScreen.midP(PairCounts.Outcome.FIRST, 20, 75, 5)
                    : VoterScreen.midP(PairCounts.Outcome.FIRST, 75, 20, 5));
            screen.side("always-first", true);
        }
        assertTrue(screen.verdict("contrarian").flagged(), screen.verdict("contrarian").toString());
        assertTrue(screen.verdict("contrarian").pValue() < 0.002, screen.verdict("contrarian").toString());
        VoterScreen.Verdict first = screen.verdict("always-first");
        assertTrue(first.flagged(), first.toString());
        assertTrue(first.sidePValue() < 1e-5, "20 of 20 on side A: " + first);
        VoterScreen.Verdict early = new VoterScreen(0.01, 21).verdict("nobody");
        assertFalse(early.flagged());
        assertEquals(0, early.votes());
    }

    private static PairCounts.Outcome flip(PairCounts.Outcome o) {
        return o == PairCounts.Outcome.FIRST ? PairCounts.Outcome.SECOND
                : o == PairCounts.Outcome.SECOND ? PairCounts.Outcome.FIRST : o;
    }
}
