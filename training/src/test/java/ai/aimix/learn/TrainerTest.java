package ai.aimix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.corpus.MidiSynth;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.features.CorpusBuilder;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training at a small scale: it learns, it is a function of the seed, and a resumed run ends where an uninterrupted one does. */
class TrainerTest {
    @TempDir
    static Path dir;

    static FeatureStore store;
    static FeatureIndex index;

    @BeforeAll
    static void corpus() throws Exception {
        store = new FeatureStore(dir.resolve("features"));
        index = smallCorpus(store);
    }

    /** Seeds 1..12, 6 bars, the built-in instruments: 8 train, 3 validation, ... (splits are a function of the seed). */
    static FeatureIndex smallCorpus(FeatureStore store) throws Exception {
        return new CorpusBuilder(
                        new CorpusBuilder.Settings(6, 44100, 65536, 2048, 512, 128),
                        RenderSettings.builder(44100).build(),
                        new MidiSynth(44100, null),
                        2)
                .build(store, 1, 12, r -> {});
    }

    static Trainer.Settings settings(int epochs) {
        Trainer.Settings s = new Trainer.Settings();
        s.epochs = epochs;
        s.batchSize = 32;
        s.logEverySteps = 0;
        s.seed = 7;
        return s;
    }

    static final class Recorder implements Trainer.Listener {
        final List<Trainer.EpochReport> epochs = new ArrayList<>();

        @Override
        public void step(int epoch, long step, double loss) {}

        @Override
        public void epoch(Trainer.EpochReport report) {
            epochs.add(report);
        }
    }

    @Test
    void learnsTheIdealCorrectionsDeterministically() throws Exception {
        Recorder rec = new Recorder();
        Trainer.Result a = new Trainer(store, index, settings(12)).train(rec, null);
        Trainer.Result b = new Trainer(store, index, settings(12)).train(new Recorder(), null);
        assertArrayEquals(
                MixNetOnnx.build(a.weights(), "m"),
                MixNetOnnx.build(b.weights(), "m"),
                "the same seed gives the same model, byte for byte");
        assertEquals(12, rec.epochs.size());
        Trainer.EpochReport first = rec.epochs.get(0);
        Trainer.EpochReport last = rec.epochs.get(11);
        assertTrue(last.trainLoss() < first.trainLoss() * 0.8, first + " -> " + last);
        // the untrained (neutral) model's level error on the same songs is several dB
        assertTrue(last.validationLevelErrorDb() < 3.5, "validation level error " + last.validationLevelErrorDb());
        Trainer.Result other = new Trainer(store, index, withSeed(settings(12), 8)).train(new Recorder(), null);
        assertTrue(
                !Arrays.equals(a.weights().get("fc2.weight"), other.weights().get("fc2.weight")),
                "another seed, another model");
    }

    @Test
    void aResumedRunEndsWhereAnUninterruptedOneDoes() throws Exception {
        Path ckpt = dir.resolve("run.checkpoint");
        new Trainer(store, index, settings(4)).train(new Recorder(), ckpt); // "killed" after 4 epochs
        assertTrue(Files.exists(ckpt));
        Recorder resumedLog = new Recorder();
        Trainer.Result resumed = new Trainer(store, index, settings(9)).train(resumedLog, ckpt);
        assertEquals(4, resumed.resumedFromEpoch());
        assertEquals(5, resumedLog.epochs.size(), "only epochs 5..9 ran again");
        assertEquals(9, resumed.history().size(), "the history survives the restart");
        Trainer.Result straight = new Trainer(store, index, settings(9)).train(new Recorder(), null);
        assertArrayEquals(MixNetOnnx.build(straight.weights(), "m"), MixNetOnnx.build(resumed.weights(), "m"));
        // a checkpoint of another seed is refused rather than silently mixed in
        IOException e = assertThrows(
                IOException.class,
                () -> new Trainer(store, index, withSeed(settings(9), 99)).train(new Recorder(), ckpt));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }

    /** Folding the standardisation into fc1 changes nothing: the written model computes what was trained. */
    @Test
    void theWrittenModelKeepsTheEncoder() throws Exception {
        Trainer.Result r = new Trainer(store, index, settings(2)).train(new Recorder(), null);
        MixNetWeights enc = EncoderInit.withLevelProbes(new Trainer.Settings().encoderSeed);
        for (String name : List.of("conv1.weight", "conv2.weight", "conv3.weight", "conv3.bias")) {
            assertArrayEquals(enc.get(name), r.weights().get(name), name);
        }
    }

    static Trainer.Settings withSeed(Trainer.Settings s, long seed) {
        s.seed = seed;
        return s;
    }
}
