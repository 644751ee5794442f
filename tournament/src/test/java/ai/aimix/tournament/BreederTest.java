package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetWeights;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BreederTest {
    static Breeder.Parent parent(String id, long seed, double rating, String... ancestors) {
        Set<String> a = new HashSet<>(List.of(ancestors));
        a.add(id);
        return new Breeder.Parent(id, MixNetWeights.random(seed, 0.3f), rating, a);
    }

    @Test
    void aGenerationIsAFunctionOfParentsGenerationAndSeed() {
        List<Breeder.Parent> parents =
                List.of(parent("a", 1, 1.0, "base"), parent("b", 2, 0.5, "base"), parent("c", 3, 0.1));
        Breeder.Settings s = new Breeder.Settings();
        List<Breeder.Child> x = Breeder.breed(parents, 3, 42, s, "evo");
        List<Breeder.Child> y = Breeder.breed(parents, 3, 42, s, "evo");
        assertEquals(4, x.size());
        for (int i = 0; i < x.size(); i++) {
            assertEquals("evo-g3-c" + i, x.get(i).id());
            assertEquals(x.get(i).id(), y.get(i).id());
            for (String name : MixNetWeights.NAMES) {
                assertArrayEquals(
                        x.get(i).weights().get(name), y.get(i).weights().get(name), name);
            }
        }
        List<Breeder.Child> other = Breeder.breed(parents, 4, 42, s, "evo");
        assertFalse(Arrays.equals(
                x.get(0).weights().get("fc2.weight"), other.get(0).weights().get("fc2.weight")));
    }

    /**
     * Related parents are averaged (model soup); unrelated ones swap whole trained layers and keep the first
     * parent's encoder. (Evolved versions share one encoder; these test parents do not, so averages show.)
     */
    @Test
    void crossoverRespectsLineage() {
        Breeder.Parent a = parent("a", 1, 1.0, "base");
        Breeder.Parent b = parent("b", 2, 0.9, "base");
        Breeder.Parent c = parent("c", 3, 0.8);
        assertTrue(Breeder.shareAncestor(a, b));
        assertFalse(Breeder.shareAncestor(a, c));
        Breeder.Settings s = new Breeder.Settings();
        s.parents = 3;
        s.sigma = 0;
        s.children = 30;
        int merges = 0;
        int crossovers = 0;
        for (Breeder.Child child : Breeder.breed(List.of(a, b, c), 1, 7, s, "x")) {
            if (child.operation().startsWith("merge")) {
                merges++;
                Breeder.Parent p = child.parents().get(0).equals("a") ? a : b;
                Breeder.Parent q = p == a ? b : a;
                for (String name : List.of("conv2.weight", "fc1.weight")) {
                    assertArrayEquals(mean(p, q, name), child.weights().get(name), 1e-6f, name + " is the mean");
                }
            } else if (child.operation().startsWith("crossover")) {
                crossovers++;
                Breeder.Parent p = child.parents().get(0).equals("c")
                        ? c
                        : child.parents().get(0).equals("a") ? a : b;
                Breeder.Parent q = child.parents().get(1).equals("c")
                        ? c
                        : child.parents().get(1).equals("a") ? a : b;
                for (String name : List.of("fc1.weight", "fc2.weight")) {
                    float[] w = child.weights().get(name);
                    assertTrue(
                            Arrays.equals(w, p.weights().get(name))
                                    || Arrays.equals(w, q.weights().get(name)),
                            name + " is one parent's layer");
                }
                // the encoder comes from the first parent unchanged
                assertArrayEquals(
                        p.weights().get("conv1.weight"), child.weights().get("conv1.weight"));
            }
        }
        assertTrue(merges > 0 && crossovers > 0, merges + " merges, " + crossovers + " crossovers");
    }

    private static float[] mean(Breeder.Parent a, Breeder.Parent b, String name) {
        float[] x = a.weights().get(name);
        float[] y = b.weights().get(name);
        float[] m = new float[x.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (x[i] + y[i]) / 2;
        }
        return m;
    }

    @Test
    void mutationIsScaledToEachTensorAndAdaptsByTheFifthRule() {
        Breeder.Parent a = parent("a", 1, 1.0);
        Breeder.Settings s = new Breeder.Settings();
        s.parents = 1;
        s.sigma = 0.1;
        s.minScale = 0;
        Breeder.Child child = Breeder.breed(List.of(a), 1, 3, s, "m").get(0);
        assertEquals("mutation", child.operation());
        float[] before = a.weights().get("fc2.weight");
        float[] after = child.weights().get("fc2.weight");
        double rms = 0;
        double diff = 0;
        for (int i = 0; i < before.length; i++) {
            rms += before[i] * before[i];
            diff += (after[i] - before[i]) * (after[i] - before[i]);
        }
        assertEquals(0.1, Math.sqrt(diff / rms), 0.01, "relative step = sigma");
        assertArrayEquals(a.weights().get("conv3.weight"), child.weights().get("conv3.weight"), "encoder untouched");
        assertArrayEquals(a.weights().get("fc1.weight"), child.weights().get("fc1.weight"), "hidden layer untouched");
        // a zero tensor (a neutral model's output layer) is mutated relative to minScale
        Breeder.Parent neutral = new Breeder.Parent("n", MixNetWeights.neutral(1), 0, Set.of("n"));
        s.minScale = 0.05;
        float[] w =
                Breeder.breed(List.of(neutral), 1, 3, s, "m").get(0).weights().get("fc2.weight");
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        assertEquals(0.1 * 0.05, Math.sqrt(sq / w.length), 0.0005, "step = sigma * minScale");
        assertEquals(0.122, Breeder.adaptSigma(0.1, 0.4), 1e-12);
        assertEquals(0.1 / 1.22, Breeder.adaptSigma(0.1, 0.0), 1e-12);
        assertEquals(0.1, Breeder.adaptSigma(0.1, 0.2), 1e-12);
    }

    @Test
    void sanityCheckRefusesBrokenWeights() {
        assertTrue(Breeder.sane(MixNetWeights.random(1, 0.3f)));
        Map<String, float[]> t = new LinkedHashMap<>();
        MixNetWeights w = MixNetWeights.random(1, 0.3f);
        for (String name : MixNetWeights.NAMES) {
            t.put(name, w.get(name).clone());
        }
        t.get("fc2.bias")[3] = Float.NaN;
        assertFalse(Breeder.sane(MixNetWeights.of(t)));
        assertNotEquals(Set.of(), Breeder.TRAINED);
    }
}
