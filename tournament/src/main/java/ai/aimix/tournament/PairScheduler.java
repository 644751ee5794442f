package ai.aimix.tournament;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the next battle's pair where a vote teaches the most, rather than uniformly: each pair (i, j) weighs
 * p (1 - p) (se_i^12 + se_j^12) — how uncertain the outcome is (close ratings) times how uncertain the two ratings
 * still are (few votes, wide intervals, the widest counting most) — and pairs are drawn with probability
 * proportional to their weight (sampling, not the maximum, so no pair starves). Models without votes get the largest uncertainty. The idea is Chatbot
 * Arena's active sampling (Chiang et al. 2024), which needed about a third fewer votes for the same precision on its
 * win matrix; here, with six models and the widest interval as the goal, it saves about 11 % (see {@link #POWER}).
 */
public final class PairScheduler {
    /** A model's standard error before it has any vote (a prior sd of 1 in strength). */
    static final double UNRATED_SE = 1.0;
    /**
     * How strongly the widest intervals attract votes: weight p (1 - p) (se_i^POWER + se_j^POWER). Measured on six
     * models until every interval is narrower than 0.5 (96 runs; intervals as {@link BradleyTerry} gives them, at
     * least the model-based variance): against uniform pairs, power 4 needed 1 % fewer votes, 6 2 %, 8 7 %, 12 11 %,
     * 16 5 %, 24 2 %.
     */
    static final double POWER = 12;

    private PairScheduler() {}

    /** The next pair among {@code models}, given the current fit (models missing from it count as unrated). */
    public static String[] next(List<String> models, BradleyTerry.Fit fit, SplittableRandom random) {
        if (models.size() < 2) {
            throw new IllegalArgumentException("a battle needs two models");
        }
        List<double[]> weights = new ArrayList<>();
        double total = 0;
        for (int i = 0; i < models.size(); i++) {
            for (int j = i + 1; j < models.size(); j++) {
                BradleyTerry.Rating a = fit == null ? null : fit.of(models.get(i));
                BradleyTerry.Rating b = fit == null ? null : fit.of(models.get(j));
                double sa = a == null || a.votes() == 0 ? UNRATED_SE : a.standardError();
                double sb = b == null || b.votes() == 0 ? UNRATED_SE : b.standardError();
                double p = BradleyTerry.sigmoid((a == null ? 0 : a.strength()) - (b == null ? 0 : b.strength()));
                double w = p * (1 - p) * (Math.pow(sa, POWER) + Math.pow(sb, POWER)) + 1e-12;
                weights.add(new double[] {i, j, w});
                total += w;
            }
        }
        double u = random.nextDouble() * total;
        for (double[] w : weights) {
            u -= w[2];
            if (u <= 0) {
                return order(models.get((int) w[0]), models.get((int) w[1]), random);
            }
        }
        double[] last = weights.get(weights.size() - 1);
        return order(models.get((int) last[0]), models.get((int) last[1]), random);
    }

    /** Sides are shown in random order, so position bias averages out (and can be detected). */
    private static String[] order(String a, String b, SplittableRandom random) {
        return random.nextBoolean() ? new String[] {a, b} : new String[] {b, a};
    }

    /** Uniformly random pairs, for comparison. */
    public static String[] uniform(List<String> models, SplittableRandom random) {
        int i = random.nextInt(models.size());
        int j = (i + 1 + random.nextInt(models.size() - 1)) % models.size();
        return new String[] {models.get(i), models.get(j)};
    }
}
