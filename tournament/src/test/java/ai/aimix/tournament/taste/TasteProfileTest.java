package ai.aimix.tournament.taste;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimator against listeners whose utility is exactly the model's (quadratic in each role's offset, known
 * preferred offsets): the preferred offsets come back, closer with more votes, and a listener with few votes stays
 * near the population.
 */
class TasteProfileTest {
    /** Utility of a mix with role offsets x for a listener preferring x*, curvature k per role (dB units). */
    static double utility(double[] x, double[] preferred, double k) {
        double u = 0;
        for (int r = 0; r < x.length; r++) {
            double d = (x[r] - preferred[r]) / TasteProfile.SCALE_DB;
            u -= k * d * d;
        }
        return u;
    }

    /** Votes of a listener preferring {@code preferred}, on random probes within ±4 dB, Bradley-Terry noise. */
    static List<PreferenceModel.Observation> votes(double[] preferred, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PreferenceModel.Observation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] a = new double[3];
            double[] b = new double[3];
            for (int j = 0; j < 3; j++) {
                a[j] = r.nextDouble(-4, 4);
                b[j] = r.nextDouble(-4, 4);
            }
            double p = 1 / (1 + Math.exp(-(utility(a, preferred, 3) - utility(b, preferred, 3))));
            out.add(new PreferenceModel.Observation(TasteProfile.covariates(a, b), r.nextDouble() < p ? 1 : 0));
        }
        return out;
    }

    @Test
    void preferredOffsetsAreRecoveredAndSharpenWithVotes() {
        double[][] tastes = {{3, 0, 0}, {0, -3, 0}, {0, 0, 3}, {0, 0, 0}, {-3, 0, 0}, {0, 3, 0}, {0, 0, -3}};
        Map<String, List<PreferenceModel.Observation>> panel = new LinkedHashMap<>();
        for (int t = 0; t < tastes.length; t++) {
            for (int k = 0; k < 6; k++) {
                panel.put(t + "-" + k, votes(tastes[t], 50, 100 * t + k));
            }
        }
        TasteProfile.Population population = TasteProfile.population(panel);
        for (int r = 0; r < 3; r++) {
            assertEquals(3, population.curvature(r), 0.6, "curvature of role " + r);
            assertEquals(0, population.preferred(r) * TasteProfile.SCALE_DB, 0.5, "population offset of role " + r);
        }
        double[] error = new double[3];
        int[] counts = {10, 50, 400};
        for (int c = 0; c < counts.length; c++) {
            double sum = 0;
            int n = 0;
            for (double[] taste : tastes) {
                for (long seed = 1; seed <= 5; seed++) {
                    TasteProfile p = TasteProfile.estimate(
                            "l",
                            votes(taste, counts[c], 7_000 + seed),
                            population,
                            TasteProfile.DEFAULT_PRIOR_PRECISION);
                    for (int r = 0; r < 3; r++) {
                        sum += (p.preferredDb()[r] - taste[r]) * (p.preferredDb()[r] - taste[r]);
                        n++;
                    }
                }
            }
            error[c] = Math.sqrt(sum / n);
        }
        assertTrue(error[0] > error[1] && error[1] > error[2], Arrays.toString(error));
        assertTrue(error[2] < 0.6, "400 votes: " + error[2] + " dB");
        System.out.println("taste error (dB RMS) at 10, 50, 400 votes: " + Arrays.toString(error));
    }

    /**
     * A personalised mix acts only on clear preferences: with 50 votes a listener without a taste has (nearly) every
     * role left as the model mixed it, a listener wanting the vocals 3 dB louder gets them louder; and the posterior
     * errors are honest (the true offset within two of them about 95 % of the time).
     */
    @Test
    void onlyClearPreferencesAreActedOn() {
        Map<String, List<PreferenceModel.Observation>> panel = new LinkedHashMap<>();
        double[][] tastes = {{3, 0, 0}, {-3, 0, 0}, {0, 0, 0}, {0, 3, 0}, {0, -3, 0}, {0, 0, 3}, {0, 0, -3}};
        for (int t = 0; t < tastes.length; t++) {
            for (int k = 0; k < 6; k++) {
                panel.put(t + "-" + k, votes(tastes[t], 50, 300 * t + k));
            }
        }
        TasteProfile.Population population = TasteProfile.population(panel);
        int leftAlone = 0;
        int louderVocals = 0;
        int within = 0;
        int estimates = 0;
        for (long seed = 1; seed <= 40; seed++) {
            TasteProfile none = TasteProfile.estimate(
                    "none", votes(tastes[2], 50, 9_000 + seed), population, TasteProfile.DEFAULT_PRIOR_PRECISION);
            TasteProfile vocals = TasteProfile.estimate(
                    "vocals", votes(tastes[0], 50, 19_000 + seed), population, TasteProfile.DEFAULT_PRIOR_PRECISION);
            for (int r = 0; r < 3; r++) {
                leftAlone += none.applyDb()[r] == 0 ? 1 : 0;
                within += Math.abs(none.preferredDb()[r]) <= 2 * none.errorDb()[r] ? 1 : 0;
                within += Math.abs(vocals.preferredDb()[r] - tastes[0][r]) <= 2 * vocals.errorDb()[r] ? 1 : 0;
                estimates += 2;
            }
            louderVocals += vocals.applyDb()[0] > 1.5 ? 1 : 0;
        }
        assertTrue(leftAlone >= 108, leftAlone + " of 120 roles left alone for listeners without a taste");
        assertTrue(louderVocals >= 32, louderVocals + " of 40 vocals-louder listeners got louder vocals");
        assertTrue(within >= 0.88 * estimates, within + " of " + estimates + " within two posterior errors");
    }
}
