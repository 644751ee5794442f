package ai.aimix.tournament;

import java.util.HashMap;
import java.util.Map;

/**
 * Abuse detection: is a voter's record unlike everyone else's on the same pairs? Each of the voter's votes gets a
 * mid-p-value against the pair's history of the other voters' votes (outcome probabilities with add-one smoothing:
 * the probability of outcomes less likely than the one chosen, plus half the chosen one's), and the voter's
 * p-values are combined with Fisher's method (-2 Σ ln p is χ² with 2k degrees of freedom when the voter votes like
 * the crowd). A voter with at least {@code minVotes} votes whose combined p-value is below {@code alpha} is flagged.
 * Always picking one side, random votes and contrarian votes all pile up small p-values on pairs where the crowd
 * agrees. Voters who always pick the side shown first (A) look, on randomised sides, like random voters to that
 * test; a second test catches them: the two-sided binomial p-value of their A-versus-B choices. A voter is flagged
 * when either test, Bonferroni-corrected (x2), is below {@code alpha}.
 */
public final class VoterScreen {
    /** The verdict on one voter. */
    public record Verdict(String voter, int votes, double chiSquare, double pValue, double sidePValue,
                          boolean flagged) {
    }

    private final double alpha;
    private final int minVotes;

    public VoterScreen(double alpha, int minVotes) {
        if (!(alpha > 0 && alpha < 1) || minVotes < 1) {
            throw new IllegalArgumentException("alpha in (0, 1) and at least one vote");
        }
        this.alpha = alpha;
        this.minVotes = minVotes;
    }

    /**
     * The mid-p-value of {@code outcome} given the pair's outcome counts of the other voters (first wins, second
     * wins, ties, in the voter's orientation).
     */
    public static double midP(PairCounts.Outcome outcome, long first, long second, long ties) {
        double total = first + second + ties + 3;
        double[] p = {(first + 1) / total, (second + 1) / total, (ties + 1) / total};
        int o = outcome == PairCounts.Outcome.FIRST ? 0 : outcome == PairCounts.Outcome.SECOND ? 1 : 2;
        double below = 0;
        double equal = 0;
        for (double q : p) {
            if (q < p[o] - 1e-15) {
                below += q;
            } else if (Math.abs(q - p[o]) <= 1e-15) {
                equal += q;
            }
        }
        return below + 0.5 * equal;
    }

    /** P(χ² with 2k degrees of freedom ≥ x), exact for even degrees of freedom. */
    public static double chiSquareSurvivalEven(double x, int k) {
        double half = x / 2;
        double term = Math.exp(-half);
        double sum = term;
        for (int i = 1; i < k; i++) {
            term *= half / i;
            sum += term;
        }
        return Math.min(1, sum);
    }

    /** Per voter: Fisher statistic, votes, votes for the side shown first, votes for a side. */
    private final Map<String, double[]> voters = new HashMap<>();

    /** Adds one vote's p-value to the voter's record. */
    public void add(String voter, double pValue) {
        double[] v = voters.computeIfAbsent(voter, k -> new double[4]);
        v[0] += -2 * Math.log(Math.max(pValue, 1e-300));
        v[1]++;
    }

    /** Records which side, as shown, a vote for a side picked (true: the one shown first). */
    public void side(String voter, boolean first) {
        double[] v = voters.computeIfAbsent(voter, k -> new double[4]);
        v[2] += first ? 1 : 0;
        v[3]++;
    }

    public Verdict verdict(String voter) {
        double[] v = voters.getOrDefault(voter, new double[4]);
        int k = (int) v[1];
        double p = k == 0 ? 1 : chiSquareSurvivalEven(v[0], k);
        double side = binomialTwoSided((int) v[2], (int) v[3]);
        boolean flagged = k >= minVotes && Math.min(p, side) * 2 < alpha;
        return new Verdict(voter, k, v[0], p, side, flagged);
    }

    /** Two-sided p-value of {@code x} successes in {@code n} fair coin flips. */
    static double binomialTwoSided(int x, int n) {
        if (n == 0) {
            return 1;
        }
        int tail = Math.min(x, n - x);
        double logHalfN = n * Math.log(0.5);
        double sum = 0;
        double logC = 0; // log C(n, 0)
        for (int i = 0; i <= tail; i++) {
            if (i > 0) {
                logC += Math.log(n - i + 1) - Math.log(i);
            }
            sum += Math.exp(logC + logHalfN);
        }
        return Math.min(1, 2 * sum);
    }
}
