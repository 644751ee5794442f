package ai.aimix.tournament;

import java.util.HashMap;
import java.util.Map;

/**
 * Abuse detection: is a voter's record unlike everyone else's on the same pairs? Three tests, at weighted
 * Bonferroni shares of the level (see {@link #DIRECTED_SHARE}):
 * <ul>
 *   <li>directed: how often the voter sided with the crowd's favourite on a pair, against how often the crowd's own
 *       rates on that pair predict (a one-sided normal score test: random and contrarian voters agree too rarely),
 *       combined by Fisher's method with their missed attention checks (battles with an expected verdict, e.g. a
 *       reference mix against a plain sum) against a slip rate of {@link #CHECK_SLIP}: random voters miss half;</li>
 *   <li>side bias: the two-sided binomial p-value of their choices of the side shown first versus second (sides are
 *       randomised, so an always-A voter is far off);</li>
 *   <li>content: each vote gets a mid-p-value against the pair's history of the other voters' votes (outcome
 *       probabilities with add-one smoothing: the probability of outcomes less likely than the one chosen, plus
 *       half the chosen one's), combined by Fisher's method (-2 Σ ln p is χ² with 2k degrees of freedom when the
 *       voter votes like the crowd): catches, e.g., ties on pairs the crowd has decided.</li>
 * </ul>
 *
 * <p>The screen is sequential: a voter is looked at only when their screened record (votes for a side or tie, and
 * attention checks) reaches {@code minVotes · 2^k} items (20, 40, 80, … by default), and look {@code k} spends
 * {@code alpha · 4^-k} of the error budget, so the chance that a voter who votes like the crowd is ever flagged stays
 * below {@code 4/3 · alpha} however many votes they cast (re-testing every vote against a fixed alpha would flag
 * more and more of them). {@link #verdict} gives the test at the latest look's threshold.
 */
public final class VoterScreen {
    /** The verdict on one voter. */
    public record Verdict(
            String voter,
            int votes,
            double chiSquare,
            double pValue,
            double sidePValue,
            double agreementPValue,
            double checksPValue,
            boolean flagged) {}

    /**
     * Shares of a look's level (weighted Bonferroni) for the directed test (agreement and attention checks), the
     * side-bias test and the content test. The directed test gets most: in the simulated league it is the one that
     * separates random voters from honest ones with a minority taste; always-A voters' side test is far below any
     * level (20 of 20 on side A: 2e-6), and the content test is weak against random voters but catches voters who
     * vote tie on pairs the crowd has decided.
     */
    static final double DIRECTED_SHARE = 0.8;

    static final double SIDE_SHARE = 0.1;
    static final double CONTENT_SHARE = 0.1;
    /**
     * Each look's level is this share of the one before. Measured in the simulated league (LeagueTallyTest): with
     * 1/2, honest voters flagged 3.0 / 4.3 / 4.7 % at 20 / 40 / 80 votes; with 1/4, 3.0 / 3.5 / 3.7 %, and every bad
     * actor still flagged by 80.
     */
    static final double LOOK_DECAY = 0.25;

    /** How often an attentive listener misses an attention check (a slip of the mouse), for the checks' test. */
    public static final double CHECK_SLIP = 0.05;

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

    /**
     * The look a record of {@code n} screened items is at: {@code k} when {@code n = minVotes · 2^k}, otherwise
     * -1 (no look).
     */
    public static int look(long n, int minVotes) {
        if (n < minVotes || n % minVotes != 0) {
            return -1;
        }
        long m = n / minVotes;
        return (m & (m - 1)) == 0 ? Long.numberOfTrailingZeros(m) : -1;
    }

    /** The significance level of the latest look a record of {@code n >= minVotes} items has passed. */
    public double threshold(long n) {
        int k = 63 - Long.numberOfLeadingZeros(Math.max(1, n / minVotes));
        return alpha * Math.pow(LOOK_DECAY, k);
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

    /**
     * Per voter: Fisher statistic, votes, votes for the side shown first, votes for a side, agreements with the
     * crowd's favourite, their expected number, and its variance.
     */
    private final Map<String, double[]> voters = new HashMap<>();

    /**
     * Records a vote against the crowd's counts for the pair (in the vote's orientation): its mid-p-value for
     * Fisher's test, and whether it agrees with the crowd's favourite side for the agreement test.
     */
    public void vote(String voter, PairCounts.Outcome outcome, long first, long second, long ties) {
        add(voter, midP(outcome, first, second, ties));
        if (outcome == PairCounts.Outcome.TIE || first == second) {
            return;
        }
        double pFirst = (first + 1.0) / (first + second + 2.0);
        double pFavourite = Math.max(pFirst, 1 - pFirst);
        boolean agrees = (outcome == PairCounts.Outcome.FIRST) == (first > second);
        double[] v = voters.get(voter);
        v[4] += agrees ? 1 : 0;
        v[5] += pFavourite;
        v[6] += pFavourite * (1 - pFavourite);
    }

    /** Adds one vote's p-value to the voter's record. */
    public void add(String voter, double pValue) {
        double[] v = voters.computeIfAbsent(voter, k -> new double[9]);
        v[0] += -2 * Math.log(Math.max(pValue, 1e-300));
        v[1]++;
    }

    /** Records an attention check: a battle with an expected verdict, passed or missed. */
    public void check(String voter, boolean passed) {
        double[] v = voters.computeIfAbsent(voter, k -> new double[9]);
        v[7] += passed ? 0 : 1;
        v[8]++;
    }

    /** Records which side, as shown, a vote for a side picked (true: the one shown first). */
    public void side(String voter, boolean first) {
        double[] v = voters.computeIfAbsent(voter, k -> new double[9]);
        v[2] += first ? 1 : 0;
        v[3]++;
    }

    public Verdict verdict(String voter) {
        double[] v = voters.getOrDefault(voter, new double[9]);
        int k = (int) v[1];
        double p = k == 0 ? 1 : chiSquareSurvivalEven(v[0], k);
        double side = binomialTwoSided((int) v[2], (int) v[3]);
        double agreement = v[6] > 0 ? normalLowerTail((v[4] - v[5]) / Math.sqrt(v[6])) : 1;
        double checks = binomialUpperTail((int) v[7], (int) v[8], CHECK_SLIP);
        // agreement with the crowd and attention checks both ask whether the voter picks the side others hear as
        // better: their evidence adds up (Fisher's method over the two). That directed test, the side-bias test and
        // the content test share the look's level by weighted Bonferroni
        double directed = chiSquareSurvivalEven(
                -2 * (Math.log(Math.max(agreement, 1e-300)) + Math.log(Math.max(checks, 1e-300))), 2);
        long n = k + (long) v[8];
        double level = n >= minVotes ? threshold(n) : 0;
        boolean flagged = directed < DIRECTED_SHARE * level || side < SIDE_SHARE * level || p < CONTENT_SHARE * level;
        return new Verdict(voter, k, v[0], p, side, agreement, checks, flagged);
    }

    /** P(X >= x) for X binomial(n, q). */
    static double binomialUpperTail(int x, int n, double q) {
        if (x <= 0) {
            return 1;
        }
        double sum = 0;
        for (int i = x; i <= n; i++) {
            sum += Math.exp(logChoose(n, i) + i * Math.log(q) + (n - i) * Math.log(1 - q));
        }
        return Math.min(1, sum);
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    /** P(Z <= z) for a standard normal (Abramowitz and Stegun 26.2.17, error under 7.5e-8). */
    static double normalLowerTail(double z) {
        double t = 1 / (1 + 0.2316419 * Math.abs(z));
        double d = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
        double upper =
                d * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return z >= 0 ? 1 - upper : upper;
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
