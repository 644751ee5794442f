package ai.aimix.evolution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.genome.Genome;
import ai.aimix.model.genome.MixNet1Genome;
import ai.aimix.model.genome.MixNet2Genome;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
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
        return new Breeder.Parent(id, new MixNet1Genome(MixNetWeights.random(seed, 0.3f)), rating, a);
    }

    static Breeder.Parent parent2(String id, long seed, double rating, String... ancestors) {
        Set<String> a = new HashSet<>(List.of(ancestors));
        a.add(id);
        return new Breeder.Parent(
                id, new MixNet2Genome(MixNet2Weights.random(MixNet2Shape.DEFAULT, seed, 0.3f)), rating, a);
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
        Breeder.Parent neutral = new Breeder.Parent("n", new MixNet1Genome(MixNetWeights.neutral(1)), 0, Set.of("n"));
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
        Genome w = new MixNet1Genome(MixNetWeights.random(1, 0.3f));
        assertTrue(w.sane());
        Map<String, float[]> t = new LinkedHashMap<>();
        for (String name : w.names()) {
            t.put(name, w.get(name).clone());
        }
        t.get("fc2.bias")[3] = Float.NaN;
        assertFalse(w.with(t).sane());
        t.get("fc2.bias")[3] = 0f;
        for (int i = 0; i < t.get("fc2.weight").length; i++) {
            t.get("fc2.weight")[i] *= 1e4f; // the output layer blown up by four orders of magnitude
        }
        assertFalse(w.with(t).sane());

        Genome m = parent2("m", 1, 0, "m").weights();
        assertTrue(m.sane());
        Map<String, float[]> u = new LinkedHashMap<>();
        for (String name : m.names()) {
            u.put(name, m.get(name).clone());
        }
        Arrays.fill(u.get("fc2.bias"), 1e6f); // blown up: every parameter clamped to its limit
        assertFalse(m.with(u).sane());
        Arrays.fill(u.get("fc2.bias"), 0f);
        assertTrue(m.with(u).sane());
        u.get("desc.scale")[0] = Float.POSITIVE_INFINITY;
        assertFalse(m.with(u).sane());
    }

    /**
     * A mixnet-2 is trained end to end: related parents are averaged in every tensor, unrelated ones are not crossed
     * (the child is its first parent mutated), mutation reaches the whole network — the output layer by sigma, every
     * other learned tensor by sigma x hiddenScale, each relative to its own RMS, the measured descriptor
     * standardisation not at all — and a child's ONNX file reads back as the same mixnet-2.
     */
    @Test
    void mixnet2ParentsBreedMixnet2ChildrenWithoutExchangingLayers() {
        Breeder.Parent a = parent2("a", 1, 1.0, "base");
        Breeder.Parent b = parent2("b", 2, 0.9, "base");
        Breeder.Parent c = parent2("c", 3, 0.8);
        Breeder.Settings s = new Breeder.Settings();
        s.parents = 3;
        s.children = 30;
        s.minScale = 0; // every step relative to the tensor's own RMS
        int merges = 0;
        int mutations = 0;
        for (Breeder.Child child : Breeder.breed(List.of(a, b, c), 1, 7, s, "x")) {
            Genome g = child.weights();
            assertTrue(g instanceof MixNet2Genome && g.sameShape(a.weights()), g.describe());
            assertFalse(child.operation().startsWith("crossover"), child.operation());
            assertTrue(g.sane(), child.id());
            Breeder.Parent p = byId(child.parents().get(0), a, b, c);
            if (child.operation().startsWith("merge")) {
                merges++;
                Breeder.Parent q = byId(child.parents().get(1), a, b, c);
                assertTrue(Breeder.shareAncestor(p, q));
                for (String name : List.of("desc.mean", "desc.scale")) {
                    assertArrayEquals(mean(p, q, name), g.get(name), 1e-6f, name + " is the mean");
                }
                for (String name : List.of("conv1.weight", "enc.weight", "fc1.weight")) {
                    assertEquals(
                            s.sigma * s.hiddenScale,
                            relativeStep(mean(p, q, name), g.get(name)),
                            0.3 * s.sigma * s.hiddenScale,
                            name + " is the mean, mutated");
                }
            } else {
                mutations++;
                assertEquals(List.of(p.id()), child.parents());
                for (String name : List.of("desc.mean", "desc.scale")) {
                    assertArrayEquals(p.weights().get(name), g.get(name), name + " untouched");
                }
                for (String name : List.of("conv2.weight", "enc.weight", "fc1.weight")) {
                    assertEquals(
                            s.sigma * s.hiddenScale,
                            relativeStep(p.weights().get(name), g.get(name)),
                            0.3 * s.sigma * s.hiddenScale,
                            name + " mutated by sigma x hiddenScale");
                }
                assertEquals(
                        s.sigma,
                        relativeStep(p.weights().get("fc2.weight"), g.get("fc2.weight")),
                        0.3 * s.sigma,
                        "output mutated by sigma");
            }
            Genome back = Genome.fromOnnx(g.onnx(child.id()));
            for (String name : g.names()) {
                assertArrayEquals(g.get(name), back.get(name), name + " through ONNX");
            }
        }
        assertTrue(merges > 0 && mutations > 0, merges + " merges, " + mutations + " mutations");
    }

    /** With hiddenScale 0 only the output layer moves; a mixnet-1 never takes noise beyond its output layer. */
    @Test
    void hiddenScaleZeroMutatesTheOutputLayerOnly() {
        Breeder.Parent two = parent2("a", 1, 1.0);
        Breeder.Settings s = new Breeder.Settings();
        s.parents = 1;
        s.hiddenScale = 0;
        Genome g = Breeder.breed(List.of(two), 1, 3, s, "m").get(0).weights();
        for (String name : g.names()) {
            boolean same = Arrays.equals(two.weights().get(name), g.get(name));
            assertEquals(!Genome.OUTPUT_LAYER.contains(name), same, name);
        }
        Breeder.Parent one = parent("b", 1, 1.0);
        s.hiddenScale = 1;
        Genome h = Breeder.breed(List.of(one), 1, 3, s, "m").get(0).weights();
        for (String name : h.names()) {
            boolean same = Arrays.equals(one.weights().get(name), h.get(name));
            assertEquals(!Genome.OUTPUT_LAYER.contains(name), same, name);
        }
    }

    private static double relativeStep(float[] before, float[] after) {
        double rms = 0;
        double diff = 0;
        for (int i = 0; i < before.length; i++) {
            rms += before[i] * before[i];
            diff += (after[i] - before[i]) * (after[i] - before[i]);
        }
        return Math.sqrt(diff / rms);
    }

    /** Parents of different architectures are never averaged or crossed: the first is mutated. */
    @Test
    void parentsOfDifferentArchitecturesAreNotCrossed() {
        Breeder.Parent one = parent("one", 1, 1.0, "base");
        Breeder.Parent two = parent2("two", 2, 0.9, "base");
        Breeder.Settings s = new Breeder.Settings();
        s.children = 20;
        for (Breeder.Child child : Breeder.breed(List.of(one, two), 1, 5, s, "x")) {
            assertEquals("mutation", child.operation());
            Breeder.Parent p = byId(child.parents().get(0), one, two);
            assertTrue(child.weights().sameShape(p.weights()));
        }
    }

    private static Breeder.Parent byId(String id, Breeder.Parent... parents) {
        for (Breeder.Parent p : parents) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no parent " + id);
    }
}
