package ai.aimix.evolution;

import ai.aimix.model.StandardNormal;
import ai.aimix.model.genome.Genome;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Breeds a generation of model versions from rated parents, in plain Java on the weights ({@link Genome}: mixnet-1
 * and mixnet-2 alike):
 * <ul>
 *   <li><b>selection</b>: truncation, the best {@link Settings#parents} by rating;</li>
 *   <li><b>crossover</b>: two parents of the same architecture and shape that share an ancestor are merged by
 *       averaging every tensor ("model soup": models fine-tuned from one base average well); unrelated parents swap
 *       whole layers instead where the architecture allows it ({@link Genome#exchangeable}: mixnet-1's head, whose
 *       encoder every version shares; nothing of a mixnet-2, trained end to end) — averaging unrelated networks
 *       mixes incompatible features; parents of different shapes are not crossed (the first is mutated);</li>
 *   <li><b>mutation</b>: Gaussian noise of standard deviation {@code sigma} times each tensor's own RMS on the
 *       output layer ({@code fc2}; at least {@link Settings#minScale}: a neutral model's output layer is zero), and
 *       {@link Settings#hiddenScale} times that on every other learned tensor ({@link Genome#mutable}: a mixnet-2's
 *       whole network; a mixnet-1's output layer only). Measured on the shipped mixnet-2 (mean mix distance 0.395 on six built-in
 *       test songs, three seeds each): 1 % noise on the hidden layers gave 0.395-0.430, 3 % 0.447-0.499, 10 %
 *       0.553-0.733; on the output layer 3 % gave 0.393-0.489, 10 % 0.512-0.694, 30 % 0.802-1.159. Hence the
 *       defaults, 5 % on the output layer and 1.5 % on the others. (A mixnet-1's trained hidden layer takes none:
 *       1 % ruined mixnet-v2.) Sigma adapts by Rechenberg's 1/5 success rule: more than a fifth of the last
 *       generation's children beating their parents widens it (x1.22), fewer narrows it (/1.22);</li>
 *   <li><b>elitism</b>: the champion is not bred away — it stays in the population as it is (no new version).</li>
 * </ul>
 * A generation's children are a function of the parents, the generation number and the seed only, so a replay
 * after a failure makes the same versions (same ids, same bytes), not new ones. Children must pass
 * {@link Genome#sane()} before they are stored.
 */
public final class Breeder {

    /** How many children and parents, and the mutation step. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final int DEFAULT_CHILDREN = 4;
        public static final int DEFAULT_PARENTS = 2;
        public static final double DEFAULT_SIGMA = 0.05;
        public static final double DEFAULT_MIN_SCALE = 0.1;
        public static final double DEFAULT_HIDDEN_SCALE = 0.3;

        public int children = DEFAULT_CHILDREN;
        public int parents = DEFAULT_PARENTS;
        /** The first mutation step (evolution adapts it per generation). */
        public double sigma = DEFAULT_SIGMA;
        /** The smallest scale a tensor's noise is relative to (a zero tensor, e.g. a neutral model's last layer). */
        public double minScale = DEFAULT_MIN_SCALE;
        /**
         * The mutation step of every layer but the output layer, relative to the output layer's: hidden weights of a
         * trained model balance each other and take less noise (0: the output layer only).
         */
        public double hiddenScale = DEFAULT_HIDDEN_SCALE;

        /** These settings with another mutation step. */
        public Settings withSigma(double step) {
            Settings s = new Settings();
            s.children = children;
            s.parents = parents;
            s.sigma = step;
            s.minScale = minScale;
            s.hiddenScale = hiddenScale;
            return s;
        }
    }

    /** A rated parent with its lineage (every ancestor's id, itself included). */
    public record Parent(String id, Genome weights, double rating, Set<String> ancestry) {}

    /** A bred child. */
    public record Child(String id, Genome weights, String operation, List<String> parents, long seed, double sigma) {}

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
            Genome g = a.weights();
            Map<String, float[]> t = new LinkedHashMap<>();
            String operation;
            List<String> parents;
            boolean related = a != b && g.sameShape(b.weights()) && shareAncestor(a, b);
            boolean swappable =
                    a != b && g.sameShape(b.weights()) && !g.exchangeable().isEmpty();
            if (!related && !swappable) {
                operation = "mutation";
                parents = List.of(a.id());
                for (String name : g.names()) {
                    t.put(name, g.get(name).clone());
                }
            } else if (related) {
                operation = "merge+mutation";
                parents = List.of(a.id(), b.id());
                for (String name : g.names()) {
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
                for (String name : g.names()) {
                    Parent from = g.exchangeable().contains(name) && cr.nextBoolean() ? b : a;
                    t.put(name, from.weights().get(name).clone());
                }
            }
            for (String name : g.mutable()) {
                boolean output = Genome.OUTPUT_LAYER.contains(name);
                if (!output && s.hiddenScale <= 0) {
                    continue;
                }
                mutate(t.get(name), output ? s.sigma : s.sigma * s.hiddenScale, output ? s.minScale : 0, cr);
            }
            out.add(new Child(
                    prefix + "-g" + generation + "-c" + k, g.with(t), operation, parents, childSeed, s.sigma));
        }
        return out;
    }

    /**
     * Adds Gaussian noise of {@code sigma} times the tensor's RMS (at least {@code minScale}) to every weight; a
     * tensor with nothing to scale by (all zero, no floor) is left as it is.
     */
    static void mutate(float[] w, double sigma, double minScale, SplittableRandom r) {
        double rms = 0;
        for (float v : w) {
            rms += v * v;
        }
        rms = Math.sqrt(rms / w.length);
        double step = sigma * Math.max(rms, minScale);
        if (step == 0) {
            return;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (step * StandardNormal.draw(r));
        }
    }

    static boolean shareAncestor(Parent a, Parent b) {
        for (String x : a.ancestry()) {
            if (b.ancestry().contains(x)) {
                return true;
            }
        }
        return false;
    }
}
