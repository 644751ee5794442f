package ai.aimix.tournament;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bradley-Terry ratings from exact pair counts: P(a beats b) = 1 / (1 + exp(-(θa - θb))), fitted by maximum
 * likelihood with Newton's method. A tie counts as half a win for each side (as Chatbot Arena counts them);
 * "both bad" votes say nothing about which is better and are left out. Strengths sum to zero; a weak Gaussian prior
 * ({@link #RIDGE}, a standard deviation of 30 in θ) keeps a model that won or lost every comparison finite.
 *
 * <p>95 % intervals come from the sandwich (robust) covariance H⁻¹ B H⁻¹, with H the observed information and B
 * the sum of the per-vote score outer products: ties and taste that vary by voter make the binomial model's own
 * variance too optimistic, and the sandwich does not rely on it. But when a model has won or lost (nearly) all of
 * its few votes the sandwich collapses towards zero (every score is close to 0 at the fitted strengths; seen in the
 * simulated tournament as a generation "rated" after 50 votes), so each model's variance is at least the
 * model-based conditional variance of its own votes, ((n-1)/n)² / H_ii. A model's rank is 1 + the number of models whose interval lies entirely
 * above its own.
 */
public final class BradleyTerry {
    public static final double RIDGE = 1.0 / 900;
    /** θ to the familiar Elo scale: 400 points per factor 10 in odds, centred at 1000. */
    public static final double ELO_PER_UNIT = 400 / Math.log(10);

    public static final double Z95 = 1.959963984540054;

    /** One model's rating. */
    public record Rating(String model, double strength, double standardError, long votes, int rank) {
        public double lower() {
            return strength - Z95 * standardError;
        }

        public double upper() {
            return strength + Z95 * standardError;
        }

        public double elo() {
            return 1000 + ELO_PER_UNIT * strength;
        }

        public double eloLower() {
            return 1000 + ELO_PER_UNIT * lower();
        }

        public double eloUpper() {
            return 1000 + ELO_PER_UNIT * upper();
        }

        /** A rating back from its published Elo form (rating, 95 % interval): what a standings reader sees. */
        public static Rating fromElo(String model, double elo, double eloLower, double eloUpper, long votes, int rank) {
            return new Rating(
                    model, (elo - 1000) / ELO_PER_UNIT, (eloUpper - eloLower) / (2 * Z95 * ELO_PER_UNIT), votes, rank);
        }
    }

    /** The fit: ratings best first, and whether Newton's method converged. */
    public record Fit(List<Rating> ratings, int iterations, boolean converged) {
        public Rating of(String model) {
            for (Rating r : ratings) {
                if (r.model().equals(model)) {
                    return r;
                }
            }
            return null;
        }
    }

    private BradleyTerry() {}

    public static Fit fit(PairCounts counts) {
        List<String> models = counts.models();
        int n = models.size();
        if (n == 0) {
            return new Fit(List.of(), 0, true);
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(models.get(i), i);
        }
        List<PairCounts.Pair> pairs = counts.pairs();
        double[] theta = new double[n];
        int iterations = 0;
        boolean converged = false;
        for (; iterations < 100 && !converged; iterations++) {
            double[] g = new double[n];
            double[][] h = new double[n][n];
            for (int i = 0; i < n; i++) {
                g[i] = -RIDGE * theta[i];
                h[i][i] = RIDGE;
            }
            for (PairCounts.Pair p : pairs) {
                double m = p.comparisons();
                if (m == 0) {
                    continue;
                }
                int a = index.get(p.a);
                int b = index.get(p.b);
                double prob = sigmoid(theta[a] - theta[b]);
                double score = p.aWins + 0.5 * p.ties - m * prob;
                g[a] += score;
                g[b] -= score;
                double w = m * prob * (1 - prob);
                h[a][a] += w;
                h[b][b] += w;
                h[a][b] -= w;
                h[b][a] -= w;
            }
            double[] step = solve(h, g);
            double max = 0;
            for (int i = 0; i < n; i++) {
                theta[i] += step[i];
                max = Math.max(max, Math.abs(step[i]));
            }
            converged = max < 1e-10;
        }
        center(theta);
        double[][] cov = sandwich(theta, pairs, index, n);
        List<Rating> out = new ArrayList<>();
        double[] se = new double[n];
        for (int i = 0; i < n; i++) {
            se[i] = Math.sqrt(Math.max(0, cov[i][i]));
        }
        for (int i = 0; i < n; i++) {
            int above = 0;
            for (int j = 0; j < n; j++) {
                if (j != i && theta[j] - Z95 * se[j] > theta[i] + Z95 * se[i]) {
                    above++;
                }
            }
            out.add(new Rating(models.get(i), theta[i], se[i], counts.votes(models.get(i)), 1 + above));
        }
        out.sort((x, y) -> Double.compare(y.strength(), x.strength()));
        return new Fit(out, iterations, converged);
    }

    /**
     * P (H⁻¹ B H⁻¹) P with P the centring projection: the covariance of the centred strengths; on the diagonal at
     * least the model-based conditional variance ((n-1)/n)² / H_ii of the centred strength (what the model's own votes
     * say, the others held fixed: a
     * separated model's uncertainty does not spread to the rest, as the full H⁻¹ would after centring).
     */
    private static double[][] sandwich(double[] theta, List<PairCounts.Pair> pairs, Map<String, Integer> index, int n) {
        double[][] h = new double[n][n];
        double[][] b = new double[n][n];
        for (int i = 0; i < n; i++) {
            h[i][i] = RIDGE;
        }
        for (PairCounts.Pair p : pairs) {
            double m = p.comparisons();
            if (m == 0) {
                continue;
            }
            int a = index.get(p.a);
            int c = index.get(p.b);
            double prob = sigmoid(theta[a] - theta[c]);
            double w = m * prob * (1 - prob);
            // sum over votes of (y - p)^2: wins y = 1, ties 0.5, losses 0
            double s2 = p.aWins * sq(1 - prob) + p.ties * sq(0.5 - prob) + p.bWins * sq(prob);
            add(h, a, c, w);
            add(b, a, c, s2);
        }
        double[][] hInv = inverse(h);
        double[][] robust = centred(multiply(multiply(hInv, b), hInv), n);
        double shrink = (n - 1.0) * (n - 1.0) / ((double) n * n); // centring: theta_i - mean moves (n-1)/n as much
        for (int i = 0; i < n; i++) {
            robust[i][i] = Math.max(robust[i][i], shrink / h[i][i]);
        }
        return robust;
    }

    /** P cov P, P the centring projection. */
    private static double[][] centred(double[][] cov, int n) {
        double[] rowMean = new double[n];
        double all = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rowMean[i] += cov[i][j] / n;
            }
            all += rowMean[i] / n;
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = cov[i][j] - rowMean[i] - rowMean[j] + all;
            }
        }
        return out;
    }

    private static void add(double[][] m, int a, int b, double w) {
        m[a][a] += w;
        m[b][b] += w;
        m[a][b] -= w;
        m[b][a] -= w;
    }

    private static double sq(double x) {
        return x * x;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static void center(double[] theta) {
        double mean = 0;
        for (double t : theta) {
            mean += t / theta.length;
        }
        for (int i = 0; i < theta.length; i++) {
            theta[i] -= mean;
        }
    }

    /** Solves h x = g (h symmetric positive definite) by Gaussian elimination with partial pivoting. */
    public static double[] solve(double[][] h, double[] g) {
        int n = g.length;
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(h[i], 0, a[i], 0, n);
            a[i][n] = g[i];
        }
        eliminate(a, n, 1);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a[i][n];
        }
        return x;
    }

    /** The inverse of {@code h} (symmetric positive definite), by Gauss-Jordan elimination. */
    public static double[][] inverse(double[][] h) {
        int n = h.length;
        double[][] a = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(h[i], 0, a[i], 0, n);
            a[i][n + i] = 1;
        }
        eliminate(a, n, n);
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, out[i], 0, n);
        }
        return out;
    }

    /** Gauss-Jordan on an n x (n + extra) augmented matrix; afterwards the left block is the identity. */
    private static void eliminate(double[][] a, int n, int extra) {
        int width = n + extra;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            double d = a[col][col];
            for (int c = 0; c < width; c++) {
                a[col][c] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != col && a[r][col] != 0) {
                    double f = a[r][col];
                    for (int c = 0; c < width; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
    }

    private static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double v = x[i][k];
                if (v == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    out[i][j] += v * y[k][j];
                }
            }
        }
        return out;
    }
}
