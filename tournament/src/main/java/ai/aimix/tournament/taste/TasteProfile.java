package ai.aimix.tournament.taste;

import ai.aimix.schema.StemRole;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A listener's taste, learnt from their votes: for each role (vocals, drums, bass), how much louder or softer than
 * the model's mix they want it. Each vote is a battle between two mixes whose role levels differ from the model's by
 * x_A and x_B dB. A listener's utility is taken to be quadratic in each role's offset, peaking at their preferred
 * offset x*: u(x) = -Σ_r κ_r ((x_r - x*_r)/s)², s = {@link #SCALE_DB}. So P(A) = σ(u(x_A) - u(x_B)), a Bradley-Terry
 * model with covariates, fitted in two steps:
 * <ol>
 *   <li>the population ({@link #population}): every listener's votes in one fit, with the quadratic coefficients
 *       -κ_r shared (how much a role's level matters to anyone) and the linear ones per listener, shrunk toward a
 *       shared mean (the population's preferred offsets). Pooling the votes into a single listener instead would
 *       flatten the curvature — listeners who want the vocals louder and softer cancel out — by half or more, and
 *       every profile fitted with it would overshoot;</li>
 *   <li>the listener: with κ fixed, the utility difference is linear in x*: -Σ κ_r (a_r² - b_r²) + Σ 2κ_r z_r (a_r -
 *       b_r) (a, b, z the offsets over s), so only the three preferred offsets are fitted, as a logistic regression
 *       with a known offset, shrunk toward the population's ({@link #estimate}).</li>
 * </ol>
 * Fitting each listener's own curvature too would divide two noisy coefficients (x* = -β1 / 2β2): unstable on a few
 * dozen votes.
 */
public record TasteProfile(String listener, int votes, double[] preferredDb, double[] errorDb, double[] applyDb) {
    /** The roles a profile covers. */
    public static final List<StemRole> ROLES = List.of(StemRole.VOCALS, StemRole.DRUMS, StemRole.BASS);
    /** Covariates are in units of this many dB (offsets) and its square, so the coefficients are of order one. */
    public static final double SCALE_DB = 4;
    /** Largest preferred offset a profile gives, dB either way: beyond it the quadratic is extrapolation. */
    public static final double MAX_OFFSET_DB = 6;
    /**
     * Prior precision of a listener's preferred offsets (over {@link #SCALE_DB}) around the population's: a prior
     * standard deviation of 0.5, i.e. 2 dB. With a few votes the population's preference holds; a clear taste shows
     * within a few dozen.
     */
    public static final double DEFAULT_PRIOR_PRECISION = 4;

    /** A battle's covariates from the two mixes' role offsets against the model's mix (dB, in {@link #ROLES} order). */
    public static double[] covariates(double[] offsetsA, double[] offsetsB) {
        int n = ROLES.size();
        double[] x = new double[2 * n];
        for (int r = 0; r < n; r++) {
            double a = offsetsA[r] / SCALE_DB;
            double b = offsetsB[r] / SCALE_DB;
            x[2 * r] = a - b;
            x[2 * r + 1] = a * a - b * b;
        }
        return x;
    }

    /** The population's taste: per role the linear and quadratic coefficients, every listener's votes pooled. */
    public record Population(double[] beta) {
        /** Curvature κ_r of role r's utility (at least a small positive floor: a level that never matters). */
        double curvature(int r) {
            return Math.max(MIN_CURVATURE, -beta[2 * r + 1]);
        }

        /** Each role's curvature and preferred offset, for reports. */
        public String curvatureDescription() {
            StringBuilder b = new StringBuilder();
            for (int r = 0; r < ROLES.size(); r++) {
                b.append(String.format(
                        Locale.ROOT, "%s k=%.2f pref=%+.2f dB; ", ROLES.get(r), curvature(r), SCALE_DB * preferred(r)));
            }
            return b.toString();
        }

        /** The population's preferred offset of role r, over {@link #SCALE_DB}. */
        double preferred(int r) {
            return beta[2 * r] / (2 * curvature(r));
        }
    }

    /**
     * How clear a preference must be before a personalised mix acts on it: the preferred offset at least this many
     * posterior standard deviations from no change. Below it the role is left as the model mixed it, so a listener
     * without a taste gets the model's mix, not one moved by the noise in their votes.
     */
    public static final double CREDIBLE_SD = 2;

    /** Prior precision of each listener's own linear coefficients in the population fit. */
    static final double LISTENER_PRECISION_IN_POPULATION_FIT = 0.05;

    /** Curvature floor: a role whose level the population does not care about still gets a bounded profile. */
    static final double MIN_CURVATURE = 0.05;

    /**
     * The population from every listener's votes (covariates as {@link #covariates} makes them): one fit with the
     * curvatures and the mean linear coefficients shared and each listener's linear coefficients a deviation from the
     * mean, nearly free.
     */
    public static Population population(Map<String, List<PreferenceModel.Observation>> votes) {
        int n = ROLES.size();
        int listeners = votes.size();
        int d = 2 * n + n * listeners;
        List<PreferenceModel.Observation> rows = new ArrayList<>();
        int l = 0;
        for (List<PreferenceModel.Observation> mine : votes.values()) {
            for (PreferenceModel.Observation o : mine) {
                double[] x = new double[d];
                for (int r = 0; r < n; r++) {
                    x[2 * r] = o.x()[2 * r];
                    x[2 * r + 1] = o.x()[2 * r + 1];
                    x[2 * n + n * l + r] = o.x()[2 * r];
                }
                rows.add(new PreferenceModel.Observation(x, o.offset(), o.y()));
            }
            l++;
        }
        double[] lambda = new double[d];
        Arrays.fill(lambda, 0, 2 * n, 1e-3);
        // each listener's own linear coefficients, nearly free: shrinking them toward the mean would bring back the
        // flattening this fit is for (a weak prior only keeps a listener whose few votes separate perfectly finite)
        Arrays.fill(lambda, 2 * n, d, LISTENER_PRECISION_IN_POPULATION_FIT);
        double[] beta = PreferenceModel.fit(rows, new double[d], lambda).beta();
        return new Population(Arrays.copyOf(beta, 2 * n));
    }

    /**
     * A listener's profile from their votes (covariates as {@link #covariates} makes them): their preferred offsets
     * with the population's curvature, under a prior N(population's offsets, 1/{@code precision}) in units of
     * {@link #SCALE_DB}.
     */
    public static TasteProfile estimate(
            String listener, List<PreferenceModel.Observation> votes, Population population, double precision) {
        int n = ROLES.size();
        List<PreferenceModel.Observation> mine = new ArrayList<>();
        for (PreferenceModel.Observation o : votes) {
            double offset = 0;
            double[] x = new double[n];
            for (int r = 0; r < n; r++) {
                double k = population.curvature(r);
                offset -= k * o.x()[2 * r + 1];
                x[r] = 2 * k * o.x()[2 * r];
            }
            mine.add(new PreferenceModel.Observation(x, offset, o.y()));
        }
        double[] prior = new double[n];
        for (int r = 0; r < n; r++) {
            prior[r] = population.preferred(r);
        }
        double[] lambda = new double[n];
        Arrays.fill(lambda, precision);
        PreferenceModel.Fit fit = PreferenceModel.fit(mine, prior, lambda);
        double[] preferred = new double[n];
        double[] error = new double[n];
        double[] apply = new double[n];
        for (int r = 0; r < n; r++) {
            preferred[r] = Math.max(-MAX_OFFSET_DB, Math.min(MAX_OFFSET_DB, SCALE_DB * fit.beta()[r]));
            error[r] = SCALE_DB * fit.sd()[r];
            boolean credible = Math.abs(preferred[r]) >= CREDIBLE_SD * error[r];
            apply[r] = credible && explains(mine, votes, fit.beta(), r) ? preferred[r] : 0;
        }
        return new TasteProfile(listener, votes.size(), preferred, error, apply);
    }

    /**
     * The likelihood-ratio statistic above which a listener's votes on a role are taken to follow their profile rather
     * than chance: the 95 % point of χ² with one degree of freedom.
     */
    static final double CONSISTENT_LR = 3.841;

    /**
     * Whether the listener's fitted utility explains their votes on battles where role {@code r} differed better than
     * coin flips would (a likelihood-ratio test at 5 %). The posterior error alone does not catch a listener who votes
     * at random: with the population's curvature fixed, random verdicts read as a strong, precise preference for
     * whatever level the noise favoured; this asks whether their votes agree with it.
     */
    private static boolean explains(
            List<PreferenceModel.Observation> fitted, List<PreferenceModel.Observation> votes, double[] beta, int r) {
        double lr = 0;
        for (int i = 0; i < fitted.size(); i++) {
            if (votes.get(i).x()[2 * r] == 0) {
                continue; // the role was the same in both mixes
            }
            PreferenceModel.Observation o = fitted.get(i);
            double u = o.offset();
            for (int k = 0; k < beta.length; k++) {
                u += o.x()[k] * beta[k];
            }
            double p = Math.min(1 - 1e-9, Math.max(1e-9, 1 / (1 + Math.exp(-u))));
            lr += 2 * (o.y() * Math.log(p / 0.5) + (1 - o.y()) * Math.log((1 - p) / 0.5));
        }
        return lr >= CONSISTENT_LR;
    }

    /** What the profile asks for, in words: "vocals +2.8 ± 0.9 dB, drums -0.3 ± 1.1 dB (left), ...". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int r = 0; r < ROLES.size(); r++) {
            parts.add(String.format(
                    Locale.ROOT,
                    "%s %+.1f ± %.1f dB%s",
                    ROLES.get(r).name().toLowerCase(Locale.ROOT),
                    preferredDb[r],
                    errorDb[r],
                    applyDb[r] == 0 ? " (left)" : ""));
        }
        return String.join(", ", parts);
    }
}
