package ai.aimix.tournament.taste;

import java.util.Arrays;
import java.util.List;

/**
 * Bradley-Terry with covariates for one listener: P(A preferred to B) = σ(o + β · x), x the battle's covariates (the
 * difference of the two mixes' features), o a known offset (a part of the utility difference fixed beforehand). Fitted by maximum a posteriori under a Gaussian prior β ~ N(μ, I/λ) — μ the
 * population's coefficients, so a listener with few votes is shrunk toward everyone's taste — with Newton's method.
 * A tie counts as half a win each way; "both bad" says nothing about the difference and is left out by the caller.
 */
public final class PreferenceModel {
    /** One judged battle: its covariates, a known offset, and the share A won (1, 0, or 0.5 for a tie). */
    public record Observation(double[] x, double offset, double y) {
        public Observation(double[] x, double y) {
            this(x, 0, y);
        }
    }

    private static final int MAX_ITERATIONS = 50;
    private static final double CONVERGED = 1e-9;

    private PreferenceModel() {}

    /** The MAP coefficients; {@code prior} is μ, {@code precision} λ (0: maximum likelihood, may not converge). */
    public static double[] fit(List<Observation> observations, double[] prior, double precision) {
        double[] lambda = new double[prior.length];
        Arrays.fill(lambda, precision);
        return fit(observations, prior, lambda);
    }

    /** As {@link #fit(List, double[], double)} with a precision per coefficient (a diagonal prior). */
    public static double[] fit(List<Observation> observations, double[] prior, double[] precision) {
        return fitWithErrors(observations, prior, precision)[0];
    }

    /**
     * The MAP coefficients and their posterior standard deviations (the Laplace approximation: the square roots of the
     * inverse Hessian's diagonal at the optimum), as {@code {beta, sd}}.
     */
    public static double[][] fitWithErrors(List<Observation> observations, double[] prior, double[] precision) {
        int d = prior.length;
        double[] beta = prior.clone();
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] g = new double[d];
            double[][] h = new double[d][d];
            for (int j = 0; j < d; j++) {
                g[j] = -precision[j] * (beta[j] - prior[j]);
                h[j][j] = precision[j];
            }
            for (Observation o : observations) {
                double z = o.offset();
                for (int j = 0; j < d; j++) {
                    z += beta[j] * o.x()[j];
                }
                double p = 1 / (1 + Math.exp(-z));
                double w = p * (1 - p);
                for (int j = 0; j < d; j++) {
                    double xj = o.x()[j];
                    if (xj == 0) {
                        continue; // sparse rows (one listener's block of a joint fit)
                    }
                    g[j] += (o.y() - p) * xj;
                    for (int k = 0; k < d; k++) {
                        h[j][k] += w * xj * o.x()[k];
                    }
                }
            }
            double[] step = solve(h, g);
            double size = 0;
            for (int j = 0; j < d; j++) {
                beta[j] += step[j];
                size = Math.max(size, Math.abs(step[j]));
            }
            if (size < CONVERGED) {
                break;
            }
        }
        double[][] h = hessian(observations, beta, precision);
        double[] sd = new double[d];
        for (int j = 0; j < d; j++) {
            double[] e = new double[d];
            e[j] = 1;
            sd[j] = Math.sqrt(solve(h, e)[j]);
        }
        return new double[][] {beta, sd};
    }

    /** The negative log-posterior's Hessian at {@code beta}. */
    private static double[][] hessian(List<Observation> observations, double[] beta, double[] precision) {
        int d = beta.length;
        double[][] h = new double[d][d];
        for (int j = 0; j < d; j++) {
            h[j][j] = precision[j];
        }
        for (Observation o : observations) {
            double z = o.offset();
            for (int j = 0; j < d; j++) {
                z += beta[j] * o.x()[j];
            }
            double p = 1 / (1 + Math.exp(-z));
            double w = p * (1 - p);
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    h[j][k] += w * o.x()[j] * o.x()[k];
                }
            }
        }
        return h;
    }

    /** Solves h·s = g by Gaussian elimination with partial pivoting (h is small and positive definite here). */
    static double[] solve(double[][] h, double[] g) {
        int n = g.length;
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(h[i], 0, a[i], 0, n);
            a[i][n] = g[i];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            if (a[c][c] == 0) {
                throw new ArithmeticException("singular system: add prior precision");
            }
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k <= n; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
        double[] s = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double v = a[i][n];
            for (int k = i + 1; k < n; k++) {
                v -= a[i][k] * s[k];
            }
            s[i] = v / a[i][i];
        }
        return s;
    }
}
