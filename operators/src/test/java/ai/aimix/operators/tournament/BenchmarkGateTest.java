package ai.aimix.operators.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.evolution.PromotionGate;
import ai.aimix.model.genome.Genome;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's quality gate on real models and built-in songs: the shipped champion against itself passes (equal, and
 * the tolerance is 0), a copy with its output layer ruined by noise is refused, and the verdict says by how much.
 */
class BenchmarkGateTest {
    @Test
    void theChampionPassesAgainstItselfAndARuinedCopyIsRefused(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        Map<String, ModelDescriptor> shipped = new LinkedHashMap<>();
        for (ModelDescriptor d : store.bootstrapShipped()) {
            shipped.put(d.getModelId(), d);
        }
        ModelDescriptor champion = shipped.get(ModelStore.SHIPPED_CHAMPION);
        Genome g = Genome.fromOnnx(store.load(champion));
        Map<String, float[]> ruined = new LinkedHashMap<>();
        Random r = new Random(5);
        for (String name : g.names()) {
            float[] w = g.get(name).clone();
            if (Genome.OUTPUT_LAYER.contains(name)) {
                for (int i = 0; i < w.length; i++) {
                    w[i] += (float) (0.5 * r.nextGaussian());
                }
            }
            ruined.put(name, w);
        }
        ModelDescriptor bad = store.publish(
                "ruined",
                g.with(ruined).onnx("ruined"),
                new ModelLineage("mutation", List.of(champion.getModelId()), 5L, "test"),
                Map.of());

        BenchmarkGate.Settings settings = new BenchmarkGate.Settings();
        settings.songs = 2;
        settings.bars = 6;
        settings.segmentFrames = 65536;
        settings.nFft = 2048;
        settings.hop = 512;
        settings.bands = 128;
        BenchmarkGate gate = new BenchmarkGate(settings, store);

        PromotionGate.Verdict same = gate.judge(champion, champion);
        assertTrue(same.passed(), same.description());
        assertTrue(same.description().endsWith("on 2 songs"), same.description());
        PromotionGate.Verdict worse = gate.judge(bad, champion);
        assertFalse(worse.passed(), worse.description());
        double[] distances = distances(worse.description());
        assertTrue(distances[0] > distances[1], worse.description());
        assertEquals(distances[1], distances(same.description())[1], 1e-9, "the champion scores the same each time");
    }

    /** The two mix distances a verdict's description starts with ("mix distance X vs the champion's Y"). */
    private static double[] distances(String description) {
        String[] words = description.split(" ");
        return new double[] {Double.parseDouble(words[2]), Double.parseDouble(words[6].replace(",", ""))};
    }
}
