package ai.aimix.model.mixnet2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.onnx.MixNet2Onnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Java-built mixnet-2 graph in ONNX Runtime equals the plain-Java forward pass of the same weights. */
class MixNet2OnnxTest {
    /** Absolute tolerance per parameter unit (dB, pan, ratio): float32 accumulation order only. */
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @CsvSource({
        "16, 8, 16, 32, 64",
        "37, 8, 16, 32, 64",
        "128, 8, 16, 32, 64",
        "129, 4, 8, 16, 32",
        "64, 16, 32, 48, 96"
    })
    void randomModelAgreesWithReference(int frames, int c1, int c2, int embedding, int hidden) throws Exception {
        MixNet2Weights w = opinionated(new MixNet2Shape(c1, c2, embedding, hidden), 11L + frames);
        int[] roles = {0, 2, 10, 13, 4, 20};
        int[] groups = {0, 0, 0, 1, 1, 1};
        SplittableRandom r = new SplittableRandom(frames);
        float[][] mel = mel(r, roles.length, frames);
        float[][] desc = descriptors(r, roles.length);

        float[][] expected = new MixNet2Reference(w).predict(mel, frames, desc, roles, groups);
        float[] actual = run(w, mel, frames, desc, roles, groups);
        int informative = 0;
        for (int row = 0; row < roles.length; row++) {
            for (ModelOutput o : ModelOutput.values()) {
                float e = expected[row][o.ordinal()];
                assertEquals(e, actual[row * ModelOutput.COUNT + o.ordinal()], TOLERANCE, "row " + row + " " + o);
                if (e > o.min() && e < o.max() && e != o.neutral()) {
                    informative++;
                }
            }
        }
        assertTrue(informative > roles.length * ModelOutput.COUNT / 2, "only " + informative + " informative outputs");
    }

    @Test
    void theDescriptorsAndTheSpectralBalanceBothMoveTheOutput() throws Exception {
        MixNet2Weights w = opinionated(MixNet2Shape.DEFAULT, 5);
        SplittableRandom r = new SplittableRandom(3);
        int frames = 64;
        float[][] mel = mel(r, 2, frames);
        float[][] desc = descriptors(r, 2);
        MixNet2Reference ref = new MixNet2Reference(w);
        float[] base = ref.predict(mel, frames, desc, new int[] {1, 2}, new int[] {0, 0})[0];
        float[][] louder = {desc[0].clone(), desc[1]};
        louder[0][0] += 6;
        float[] moved = ref.predict(mel, frames, louder, new int[] {1, 2}, new int[] {0, 0})[0];
        assertTrue(distance(base, moved) > 1e-3, "a descriptor changed nothing");
        // the same overall level, energy moved from the low bands to the high ones: the time-pooled bands see it
        float[][] tilted = {mel[0].clone(), mel[1]};
        for (int band = 0; band < MixNet2Shape.MEL_BANDS; band++) {
            for (int t = 0; t < frames; t++) {
                tilted[0][band * frames + t] += band < 64 ? -6 : 6;
            }
        }
        float[] tilt = ref.predict(tilted, frames, desc, new int[] {1, 2}, new int[] {0, 0})[0];
        assertTrue(distance(base, tilt) > 1e-3, "a spectral tilt changed nothing");
    }

    @Test
    void contextDependsOnTheOtherStemsOfTheSameMixOnly() throws Exception {
        MixNet2Weights w = opinionated(MixNet2Shape.DEFAULT, 99);
        SplittableRandom r = new SplittableRandom(9);
        int frames = 48;
        float[][] mel = mel(r, 3, frames);
        float[][] desc = descriptors(r, 3);
        float[] together = run(w, mel, frames, desc, new int[] {1, 1, 1}, new int[] {0, 0, 1});
        float[] alone = run(
                w,
                new float[][] {mel[0], mel[1]},
                frames,
                new float[][] {desc[0], desc[1]},
                new int[] {1, 1},
                new int[] {0, 0});
        for (int i = 0; i < 2 * ModelOutput.COUNT; i++) {
            assertEquals(alone[i], together[i], TOLERANCE);
        }
    }

    @Test
    void initialisedModelIsNeutralAndTheFileReadsBack() throws Exception {
        MixNet2Weights w = MixNet2Weights.init(MixNet2Shape.DEFAULT, 1);
        SplittableRandom r = new SplittableRandom(1);
        float[] out = run(w, mel(r, 2, 32), 32, descriptors(r, 2), new int[] {0, 1}, new int[] {0, 0});
        for (int row = 0; row < 2; row++) {
            for (ModelOutput o : ModelOutput.values()) {
                assertEquals(o.neutral(), out[row * ModelOutput.COUNT + o.ordinal()], 0f);
            }
        }
        MixNet2Weights some = opinionated(new MixNet2Shape(4, 8, 16, 32), 2);
        byte[] onnx = MixNet2Onnx.build(some, "v");
        assertTrue(MixNet2Onnx.isMixNet2(onnx));
        MixNet2Weights back = MixNet2Onnx.readWeights(onnx);
        assertEquals(some.shape(), back.shape());
        for (String name : MixNet2Shape.NAMES) {
            assertArrayEquals(some.get(name), back.get(name), name);
        }
        OnnxModelInfo info = OnnxModelInfo.of(onnx);
        assertEquals(MixNet2Shape.NAME, info.architecture);
        assertEquals(ModelFormat.V3, info.check());
    }

    @Test
    void aCallerThatDoesNotComputeDescriptorsIsRefusedAtOpening() throws Exception {
        byte[] onnx = MixNet2Onnx.build(MixNet2Weights.init(MixNet2Shape.DEFAULT, 1), "m2");
        UnsupportedModelFormatException e = assertThrows(
                UnsupportedModelFormatException.class, () -> MixNetSession.open("m2", onnx, SessionSettings.cpu(1)));
        assertTrue(e.getMessage().contains("descriptors"), e.getMessage());
        try (MixNetSession s =
                MixNetSession.open("m2", onnx, SessionSettings.cpu(1).withDescriptors())) {
            MixNetBatch without = new MixNetBatch(1, 16);
            without.add(new float[MixNet2Shape.MEL_BANDS * 16], 0, 0);
            assertThrows(IllegalArgumentException.class, () -> s.predict(without));
        }
    }

    /** He-normal weights with an output layer large enough that most parameters leave neutral inside their ranges. */
    static MixNet2Weights opinionated(MixNet2Shape shape, long seed) {
        MixNet2Weights w = MixNet2Weights.random(shape, seed, 0.3f);
        SplittableRandom r = new SplittableRandom(seed + 1);
        float[] mean = w.get("desc.mean");
        float[] scale = w.get("desc.scale");
        for (int d = 0; d < mean.length; d++) {
            mean[d] = (float) (-20 + 10 * r.nextDouble());
            scale[d] = (float) (5 + 5 * r.nextDouble());
        }
        return w;
    }

    static float[] run(MixNet2Weights w, float[][] mel, int frames, float[][] desc, int[] roles, int[] groups)
            throws Exception {
        try (MixNetSession s = MixNetSession.open(
                "t", MixNet2Onnx.build(w, "t"), SessionSettings.cpu(1).withDescriptors())) {
            MixNetBatch batch = new MixNetBatch(mel.length, frames);
            for (int i = 0; i < mel.length; i++) {
                batch.add(mel[i], desc[i], roles[i], groups[i]);
            }
            return s.predict(batch);
        }
    }

    static float[][] mel(SplittableRandom r, int rows, int frames) {
        float[][] mel = new float[rows][MixNet2Shape.MEL_BANDS * frames];
        for (float[] m : mel) {
            double level = -60 + 40 * r.nextDouble();
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (level - 0.2 * (i / frames) + 10 * r.nextGaussian());
            }
        }
        return mel;
    }

    static float[][] descriptors(SplittableRandom r, int rows) {
        float[][] d = new float[rows][MixNet2Shape.DESCRIPTORS];
        for (float[] row : d) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (-30 + 20 * r.nextDouble());
            }
        }
        return d;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }
}
