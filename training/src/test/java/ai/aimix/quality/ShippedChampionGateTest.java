package ai.aimix.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.corpus.MidiSynth;
import ai.aimix.corpus.Split;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.features.CorpusBuilder;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped champion became champion through the quality gate, and the gate is run again here as it was run then
 * on the built-in bank's corpus: it is not worse than the champion shipped before it on the 25 TEST songs of seeds
 * 1..200, which neither model was trained on (the split is a function of the seed), played by the JDK's built-in
 * instruments (the only sound bank the build may rely on, and the one the former champion was trained on alone).
 * Fewer songs would not do: on four of them the level error alone is within noise of either model.
 */
class ShippedChampionGateTest {
    private static final int CORPUS_SONGS = 200;
    private static final int TEST_SONGS = 25;
    private static final int BARS = 12;

    @Test
    void theShippedChampionPassesTheGateAgainstTheChampionBeforeIt(@TempDir Path dir) throws Exception {
        FeatureStore store = new FeatureStore(dir.resolve("features"));
        FeatureIndex index = new CorpusBuilder(
                        new CorpusBuilder.Settings(BARS, 44100, 65536, 2048, 512, 128),
                        RenderSettings.builder(44100).build(),
                        new MidiSynth(44100, null),
                        2)
                .build(store, testSeeds(), r -> {});
        assertEquals(TEST_SONGS, index.split("TEST").size());
        QualityBenchmark bench = QualityBenchmark.forCorpus(index);
        SessionSettings cpu = SessionSettings.cpu(1).withDescriptors();
        try (MixNetSession champion = MixNetSession.open(
                        ModelStore.SHIPPED_CHAMPION, ModelStore.shippedOnnx(ModelStore.SHIPPED_CHAMPION), cpu);
                MixNetSession previous = MixNetSession.open(
                        ModelStore.SHIPPED_PREVIOUS, ModelStore.shippedOnnx(ModelStore.SHIPPED_PREVIOUS), cpu)) {
            QualityGate.Verdict v = QualityGate.judge(bench, champion, previous, "TEST", 0);
            System.out.println("quality gate, " + ModelStore.SHIPPED_CHAMPION + " against "
                    + ModelStore.SHIPPED_PREVIOUS + ": " + v.describe());
            assertEquals(TEST_SONGS, v.songs());
            assertTrue(v.passed(), v.describe());
            // better on both counts, not merely within the gate's allowance. Not the exact figures recorded in
            // mixnet-v3's descriptor (0.447 vs 0.561, 1.08 vs 1.27 dB): the JDK's built-in sound bank is generated
            // with random noise the first time a machine uses it (and cached in ~/.gervill), so the corpus's audio,
            // and the figures, differ from machine to machine (0.452 vs 0.566 and 0.474 vs 0.571 measured on two
            // banks of one machine on 2026-12-08)
            assertTrue(v.candidateDistance() < v.championDistance(), v.describe());
            assertTrue(v.candidateLevelDb() < v.championLevelDb(), v.describe());
        }
    }

    private static List<Long> testSeeds() {
        List<Long> seeds = new ArrayList<>();
        for (long seed = 1; seed <= CORPUS_SONGS; seed++) {
            if (Split.of(seed) == Split.TEST) {
                seeds.add(seed);
            }
        }
        return seeds;
    }
}
