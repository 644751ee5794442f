package ai.aimix.tournament;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetReference;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.StandardNormal;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Breeds a generation of mixnet versions from rated parents, in plain Java on the weights:
 * <ul>
 *   <li><b>selection</b>: truncation, the best {@link Settings#parents} by rating;</li>
 *   <li><b>crossover</b>: two parents that share an ancestor are merged by averaging every tensor ("model soup":
 *       models fine-tuned from one base average well); unrelated parents swap whole layers instead (each tensor
 *       from one parent, chosen at random) — averaging unrelated networks mixes incompatible features;</li>
 *   <li><b>mutation</b>: Gaussian noise of standard deviation {@code sigma} times the tensor's own RMS (at least
 *       {@link Settings#minScale}: a neutral model's output layer is zero) on the output layer ({@code fc2}) only —
 *       the hidden layer's weights of a trained model are large (RMS 72 in mixnet-v2) and balance each other, so
 *       even 1 % noise there ruined it (benchmark mix distance 0.67 to 2.6-3.9 on six songs), while 5 % on the
 *       output layer moved it by 0.03-0.08; sigma adapts by Rechenberg's 1/5 success rule: more than a fifth of the
 *       last generation's children beating their parents widens it (x1.22), fewer narrows it (/1.22);</li>
 *   <li><b>elitism</b>: the champion is not bred away — it stays in the population as it is (no new version).</li>
 * </ul>
 * A generation's children are a function of the parents, the generation number and the seed only, so a replay
 * after a failure makes the same versions (same ids, same bytes), not new ones. Children must pass
 * {@link #sane(MixNetWeights)} before they are stored.
 */
public final class Breeder {
    /** Tensors crossover exchanges: the dense head (the encoder is shared by every version). */
    static final Set<String> TRAINED = Set.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    /** Tensors mutation changes: the output layer. */
    static final Set<String> MUTATED = Set.of("fc2.weight", "fc2.bias");

    /** How many children and parents, and the mutation step. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final int DEFAULT_CHILDREN = 4;
        public static final int DEFAULT_PARENTS = 2;
        public static final double DEFAULT_SIGMA = 0.3;
        public static final double DEFAULT_MIN_SCALE = 0.1;

        public int children = DEFAULT_CHILDREN;
        public int parents = DEFAULT_PARENTS;
        /** The first mutation step (evolution adapts it per generation). */
        public double sigma = DEFAULT_SIGMA;
        /** The smallest scale a tensor's noise is relative to (a zero tensor, e.g. a neutral model's last layer). */
        public double minScale = DEFAULT_MIN_SCALE;

        /** These settings with another mutation step. */
        public Settings withSigma(double step) {
            Settings s = new Settings();
            s.children = children;
            s.parents = parents;
            s.sigma = step;
            s.minScale = minScale;
            return s;
        }
    }

    /** A rated parent with its lineage (every ancestor's id, itself included). */
    public record Parent(String id, MixNetWeights weights, double rating, Set<String> ancestry) {}

    /** A bred child. */
    public record Child(
            String id, MixNetWeights weights, String operation, List<String> parents, long seed, double sigma) {}

    private Breeder() {}

    /** The mutation step for the next generation by the 1/5 rule, from the last one's success rate. */
    public static double adaptSigma(double sigma, double successRate) {
        double f = 1.22;
        if (successRate > 0.2) {
            return Math.min(1.0, sigma * f);
        }
        if (successRate < 0.2) {
            return Math.max(1e-4, sigma / f);
        }
        return sigma;
    }

    /**
     * The children of a generation.
     *
     * @param ranked parents best first (at least one)
     * @param prefix model id prefix, e.g. mixnet-evo
     */
    public static List<Child> breed(List<Parent> ranked, int generation, long seed, Settings s, String prefix) {
        if (ranked.isEmpty()) {
            throw new IllegalArgumentException("no parents");
        }
        List<Parent> pool = ranked.subList(0, Math.min(s.parents, ranked.size()));
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + generation);
        List<Child> out = new ArrayList<>();
        for (int k = 0; k < s.children; k++) {
            long childSeed = r.nextLong();
            SplittableRandom cr = new SplittableRandom(childSeed);
            Parent a = pool.get(cr.nextInt(pool.size()));
            Parent b = pool.size() > 1 ? pool.get(cr.nextInt(pool.size())) : a;
            Map<String, float[]> t = new LinkedHashMap<>();
            String operation;
            List<String> parents;
            if (a == b) {
                operation = "mutation";
                parents = List.of(a.id());
                for (String name : MixNetWeights.NAMES) {
                    t.put(name, a.weights().get(name).clone());
                }
            } else if (shareAncestor(a, b)) {
                operation = "merge+mutation";
                parents = List.of(a.id(), b.id());
                for (String name : MixNetWeights.NAMES) {
                    float[] x = a.weights().get(name);
                    float[] y = b.weights().get(name);
                    float[] m = new float[x.length];
                    for (int i = 0; i < m.length; i++) {
                        m[i] = (x[i] + y[i]) / 2;
                    }
                    t.put(name, m);
                }
            } else {
                operation = "crossover+mutation";
                parents = List.of(a.id(), b.id());
                for (String name : MixNetWeights.NAMES) {
                    Parent from = TRAINED.contains(name) && cr.nextBoolean() ? b : a;
                    t.put(name, from.weights().get(name).clone());
                }
            }
            for (String name : MUTATED) {
                float[] w = t.get(name);
                double rms = 0;
                for (float v : w) {
                    rms += v * v;
                }
                rms = Math.sqrt(rms / w.length);
                double step = s.sigma * Math.max(rms, s.minScale);
                for (int i = 0; i < w.length; i++) {
                    w[i] += (float) (step * StandardNormal.draw(cr));
                }
            }
            out.add(new Child(
                    prefix + "-g" + generation + "-c" + k,
                    MixNetWeights.of(t),
                    operation,
                    parents,
                    childSeed,
                    s.sigma));
        }
        return out;
    }

    static boolean shareAncestor(Parent a, Parent b) {
        for (String x : a.ancestry()) {
            if (b.ancestry().contains(x)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The sanity check before a child is served: every weight finite, and on a probe batch (two stems of noise at
     * typical levels, one silent stem) every predicted parameter finite and inside its range.
     */
    public static boolean sane(MixNetWeights w) {
        for (String name : MixNetWeights.NAMES) {
            for (float v : w.get(name)) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        int frames = 32;
        SplittableRandom r = new SplittableRandom(1);
        float[][] mel = new float[3][MixNetArchitecture.MEL_BANDS * frames];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < mel[s].length; i++) {
                mel[s][i] = (float) (-60 + 40 * r.nextDouble());
            }
        }
        Arrays.fill(mel[2], -100f);
        float[][] p = new MixNetReference(w).predict(mel, frames, new int[] {0, 10, 2}, new int[] {0, 0, 0});
        for (float[] row : p) {
            for (ModelOutput o : ModelOutput.values()) {
                float v = row[o.ordinal()];
                if (!Float.isFinite(v) || v < o.min() || v > o.max()) {
                    return false;
                }
            }
        }
        return true;
    }
}
