package ai.aimix.tournament.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's result so far: per arm the listeners exposed and how many of them had the outcome, each treatment's
 * effect on the outcome's rate against the control with a 95 % interval, and whether to stop.
 *
 * <p><b>Stop rule.</b> Looking at a running experiment again and again and stopping at the first p below 0.05 finds
 * "effects" that are not there far more often than 5 % of the time. So the report looks only at sizes that double —
 * the smallest arm having {@code minPerArm} · 2^k exposed listeners (k = 0, 1, 2, …) — and look k tests at
 * {@code alpha} · 4^-k, which sums to at most 4/3 · alpha over every look however long the experiment runs (the same
 * spending the voter screen uses). It stops with a winner at the first look whose test passes; at {@code maxPerArm}
 * without one it stops with "no difference found" and the interval says how large a difference could still hide.
 * Between looks it says "continue".
 *
 * @param arms     per arm, in the experiment's order: exposed listeners and those with the outcome
 * @param effects  per treatment: its rate minus the control's, with the interval and the test's p
 * @param decision {@code continue}, {@code stop: <arm> better}, {@code stop: <arm> worse} or {@code stop: no
 *                 difference found}
 * @param look     the last look reached (-1 before the first)
 */
public record ExperimentReport(Map<String, Arm> arms, Map<String, Effect> effects, String decision, int look) {
    /** One arm: listeners exposed, and with the outcome. */
    public record Arm(long exposed, long outcomes) {
        public double rate() {
            return exposed == 0 ? Double.NaN : (double) outcomes / exposed;
        }
    }

    /** A treatment's rate minus the control's: the difference, its 95 % interval, and the two-sided p of no effect. */
    public record Effect(double difference, double lower, double upper, double p) {}

    static final double Z95 = 1.959963984540054;

    /** One exposed listener: their arm, and whether the outcome happened (so far). */
    public record Unit(String arm, boolean outcome) {}

    /**
     * The report on {@code units}, the exposed listeners in the order they were exposed, with the stop rule's first
     * look at {@code minPerArm} listeners in the smallest arm, the last at {@code maxPerArm}, spending {@code alpha}.
     * Each look is taken once, on the listeners exposed up to it, however often the report is asked for: the same
     * listeners in the same order give the same decision.
     */
    public static ExperimentReport of(Experiment e, List<Unit> units, long minPerArm, long maxPerArm, double alpha) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (String a : e.arms()) {
            counts.put(a, new long[2]);
        }
        String decision = "continue";
        int look = -1;
        for (Unit u : units) {
            long[] c = counts.get(u.arm());
            if (c == null) {
                continue; // an arm the experiment no longer has
            }
            c[0]++;
            c[1] += u.outcome() ? 1 : 0;
            if (!decision.equals("continue")) {
                continue;
            }
            long smallest = counts.values().stream().mapToLong(x -> x[0]).min().orElse(0);
            if (smallest < minPerArm || smallest != minPerArm << (look + 1)) {
                continue;
            }
            look++;
            double level = alpha * Math.pow(4, -look) / e.treatments().size(); // Bonferroni over the treatments
            Arm control = arm(counts.get(e.arms().get(0)));
            for (String t : e.treatments()) {
                Effect f = effect(control, arm(counts.get(t)));
                if (f.p() < level) {
                    decision = "stop: " + t + (f.difference() > 0 ? " better" : " worse");
                    break;
                }
            }
            if (decision.equals("continue") && smallest >= maxPerArm) {
                decision = "stop: no difference found";
            }
        }
        Map<String, Arm> arms = new LinkedHashMap<>();
        counts.forEach((a, c) -> arms.put(a, arm(c)));
        Map<String, Effect> effects = new LinkedHashMap<>();
        for (String t : e.treatments()) {
            effects.put(t, effect(arms.get(e.arms().get(0)), arms.get(t)));
        }
        return new ExperimentReport(arms, effects, decision, look);
    }

    private static Arm arm(long[] c) {
        return new Arm(c[0], c[1]);
    }

    /**
     * The difference of two rates with Newcombe's hybrid Wilson interval (method 10: good coverage down to a handful of
     * listeners, unlike the Wald interval) and the pooled two-proportion z-test's p.
     */
    static Effect effect(Arm control, Arm treatment) {
        if (control.exposed() == 0 || treatment.exposed() == 0) {
            return new Effect(Double.NaN, Double.NaN, Double.NaN, 1);
        }
        double p1 = treatment.rate();
        double p0 = control.rate();
        double[] w1 = wilson(treatment.outcomes(), treatment.exposed());
        double[] w0 = wilson(control.outcomes(), control.exposed());
        double d = p1 - p0;
        double lower = d - Math.sqrt(sq(p1 - w1[0]) + sq(w0[1] - p0));
        double upper = d + Math.sqrt(sq(w1[1] - p1) + sq(p0 - w0[0]));
        double pooled =
                (double) (control.outcomes() + treatment.outcomes()) / (control.exposed() + treatment.exposed());
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / control.exposed() + 1.0 / treatment.exposed()));
        double p = se == 0 ? (d == 0 ? 1 : 0) : 2 * (1 - normalCdf(Math.abs(d) / se));
        return new Effect(d, lower, upper, p);
    }

    /** Wilson's 95 % score interval of k successes in n. */
    public static double[] wilson(long k, long n) {
        double p = (double) k / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[] {centre - half, centre + half};
    }

    private static double sq(double x) {
        return x * x;
    }

    /** The standard normal distribution function (Abramowitz and Stegun 7.1.26 on erf, error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1
                - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                        * t
                        * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** The arms in order, for reports. */
    public List<String> armNames() {
        return List.copyOf(arms.keySet());
    }
}
