package ai.aimix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.model.mixnet2.MixNet2Reference;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import ai.aimix.model.onnx.MixNet2Onnx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mixnet-2 training at a small scale: it learns, the threads change no bit, a resumed run ends where a straight one does. */
class MixNet2TrainerTest {
    @TempDir
    static Path dir;

    static FeatureStore store;
    static FeatureIndex index;

    @BeforeAll
    static void corpus() throws Exception {
        store = new FeatureStore(dir.resolve("features"));
        index = TrainerTest.smallCorpus(store);
    }

    static MixNet2Trainer.Settings settings(int epochs, int threads) {
        MixNet2Trainer.Settings s = new MixNet2Trainer.Settings();
        s.shape = new MixNet2Shape(4, 8, 16, 32);
        s.epochs = epochs;
        s.batchSegments = 4;
        s.threads = threads;
        s.logEverySteps = 0;
        s.seed = 3;
        return s;
    }

    @Test
    void learnsAndTheThreadsChangeNoBit() throws Exception {
        TrainerTest.Recorder log = new TrainerTest.Recorder();
        MixNet2Trainer.Result one = new MixNet2Trainer(store, index, settings(8, 1)).train(log, null);
        MixNet2Trainer.Result two =
                new MixNet2Trainer(store, index, settings(8, 2)).train(new TrainerTest.Recorder(), null);
        assertArrayEquals(MixNet2Onnx.build(one.weights(), "m"), MixNet2Onnx.build(two.weights(), "m"));
        Trainer.EpochReport first = log.epochs.get(0);
        Trainer.EpochReport last = log.epochs.get(7);
        assertTrue(last.trainLoss() < first.trainLoss() * 0.6, first + " -> " + last);
        assertTrue(last.validationLoss() < first.validationLoss(), first + " -> " + last);
        // the convolutions moved: training reached them through the pooled spectrum
        float[] init = MixNet2Weights.init(settings(1, 1).shape, 3).get("conv1.weight");
        assertTrue(distance(init, one.weights().get("conv1.weight")) > 1e-3);
    }

    @Test
    void aResumedRunEndsWhereAStraightOneDoes() throws Exception {
        Path ckpt = dir.resolve("m2.checkpoint");
        new MixNet2Trainer(store, index, settings(2, 2)).train(new TrainerTest.Recorder(), ckpt);
        assertTrue(Files.exists(ckpt));
        TrainerTest.Recorder resumedLog = new TrainerTest.Recorder();
        MixNet2Trainer.Result resumed = new MixNet2Trainer(store, index, settings(4, 2)).train(resumedLog, ckpt);
        assertEquals(2, resumed.resumedFromEpoch());
        assertEquals(2, resumedLog.epochs.size());
        assertEquals(4, resumed.history().size());
        MixNet2Trainer.Result straight =
                new MixNet2Trainer(store, index, settings(4, 2)).train(new TrainerTest.Recorder(), null);
        assertArrayEquals(MixNet2Onnx.build(straight.weights(), "m"), MixNet2Onnx.build(resumed.weights(), "m"));
        MixNet2Trainer.Settings other = settings(4, 2);
        other.mel = false;
        IOException e = assertThrows(
                IOException.class,
                () -> new MixNet2Trainer(store, index, other).train(new TrainerTest.Recorder(), ckpt));
        assertTrue(e.getMessage().contains("descriptors"), e.getMessage());
    }

    /** An ablated model as written ignores the input it was trained without: its file computes what was trained. */
    @Test
    void aDescriptorsOnlyModelIgnoresTheSpectrum() throws Exception {
        MixNet2Trainer.Settings s = settings(2, 2);
        s.mel = false;
        MixNet2Trainer.Result r = new MixNet2Trainer(store, index, s).train(new TrainerTest.Recorder(), null);
        MixNet2Reference ref = new MixNet2Reference(MixNet2Onnx.readWeights(MixNet2Onnx.build(r.weights(), "d")));
        int frames = 32;
        float[] quiet = new float[MixNet2Shape.MEL_BANDS * frames];
        float[] loud = new float[quiet.length];
        Arrays.fill(quiet, -80f);
        Arrays.fill(loud, -10f);
        float[][] d = {new float[MixNet2Shape.DESCRIPTORS], new float[MixNet2Shape.DESCRIPTORS]};
        float[][] a = ref.predict(new float[][] {quiet, loud}, frames, d, new int[] {0, 1}, new int[] {0, 0});
        float[][] b = ref.predict(new float[][] {loud, quiet}, frames, d, new int[] {0, 1}, new int[] {0, 0});
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(a[i], b[i], 0f);
        }
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }
}
