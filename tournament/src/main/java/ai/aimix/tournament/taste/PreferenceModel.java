package ai.aimix.tournament.taste;

import ai.aimix.tournament.BradleyTerry;
import java.util.Arrays;
import java.util.List;

/**
 * Bradley-Terry with covariates for one listener: P(A preferred to B) = σ(o + β · x), x the battle's covariates (the
 * difference of the two mixes' features), o a known offset (a part of the utility difference fixed beforehand).
 * Fitted by maximum a posteriori under a Gaussian prior β ~ N(μ, diag(1/λ)) — μ the population's coefficients, so a
 * listener with few votes is shrunk toward everyone's taste — with Newton's method. A tie counts as half a win each
 * way; "both bad" says nothing about the difference and is left out by the caller.
 */
public final class PreferenceModel {
    /** One judged battle: its covariates, a known offset, and the share A won (1, 0, or 0.5 for a tie). */
    public record Observation(double[] x, double offset, double y) {
        public Observation(double[] x, double y) {
            this(x, 0, y);
        }
    }

    /** The MAP coefficients and their posterior standard deviations. */
    public record Fit(double[] beta, double[] sd) {}

    private static final int MAX_ITERATIONS = 50;
    private static final double CONVERGED = 1e-9;

    private PreferenceModel() {}

    /**
     * The MAP coefficients under a prior precision per coefficient, and their posterior standard deviations (the
     * Laplace approximation: the square roots of the inverse Hessian's diagonal at the optimum).
     */
    public static Fit fit(List<Observation> observations, double[] prior, double[] precision) {
        int d = prior.length;
        double[] beta = prior.clone();
        double[] g = new double[d];
        double[][] h = new double[d][d];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            derivatives(observations, prior, precision, beta, g, h);
            double[] step = BradleyTerry.solve(h, g);
            double size = 0;
            for (int j = 0; j < d; j++) {
                beta[j] += step[j];
                size = Math.max(size, Math.abs(step[j]));
            }
            if (size < CONVERGED) {
                break;
            }
        }
        derivatives(observations, prior, precision, beta, g, h);
        double[][] covariance = BradleyTerry.inverse(h);
        double[] sd = new double[d];
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(covariance[j][j]);
        }
        return new Fit(beta, sd);
    }

    /**
     * The log-posterior's gradient {@code g} and the negative of its Hessian {@code h} at {@code beta}, written into
     * the arrays given.
     */
    private static void derivatives(
            List<Observation> observations,
            double[] prior,
            double[] precision,
            double[] beta,
            double[] g,
            double[][] h) {
        int d = beta.length;
        for (int j = 0; j < d; j++) {
            Arrays.fill(h[j], 0);
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
    }
}
