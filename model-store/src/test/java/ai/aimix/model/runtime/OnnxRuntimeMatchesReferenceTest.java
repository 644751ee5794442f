package ai.aimix.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetReference;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.onnx.MixNetOnnx;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ONNX Runtime's output for the Java-built graph equals the plain-Java forward pass of the same weights. */
class OnnxRuntimeMatchesReferenceTest {
    /** Absolute tolerance per parameter unit (dB, pan, ratio): float32 accumulation differences only. */
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(ints = {16, 37, 127, 128})
    void randomModelAgreesWithReference(int frames) throws Exception {
        MixNetWeights weights = MixNetWeights.random(7L + frames, 0.05f);
        int[] roles = {0, 2, 10, 13, 4};
        int[] groups = {0, 0, 0, 1, 1}; // a 3-stem mix segment and a 2-stem one in the same batch
        float[][] mel = randomMel(roles.length, frames, frames);

        float[][] expected = new MixNetReference(weights).predict(mel, frames, roles, groups);
        float[] actual = run(weights, mel, frames, roles, groups);

        int inside = 0;
        for (int r = 0; r < roles.length; r++) {
            for (ModelOutput o : ModelOutput.values()) {
                float e = expected[r][o.ordinal()];
                float a = actual[r * ModelOutput.COUNT + o.ordinal()];
                assertEquals(e, a, TOLERANCE, "row " + r + " " + o);
                if (e > o.min() && e < o.max() && e != o.neutral()) {
                    inside++;
                }
            }
        }
        // the comparison means something only if most outputs are inside their ranges and away from neutral
        assertTrue(inside > roles.length * ModelOutput.COUNT / 2, "only " + inside + " informative outputs");
    }

    @Test
    void contextDependsOnTheOtherStemsOfTheSameMixOnly() throws Exception {
        MixNetWeights weights = MixNetWeights.random(99L, 0.05f);
        int frames = 64;
        float[][] mel = randomMel(3, frames, 5);
        float[] together = run(weights, mel, frames, new int[] {1, 1, 1}, new int[] {0, 0, 1});
        float[] alone = run(weights, new float[][] {mel[0], mel[1]}, frames, new int[] {1, 1}, new int[] {0, 0});
        for (int i = 0; i < 2 * ModelOutput.COUNT; i++) {
            assertEquals(alone[i], together[i], TOLERANCE);
        }
    }

    @Test
    void neutralModelIsExactlyNeutral() throws Exception {
        MixNetWeights weights = MixNetWeights.neutral(1L);
        int frames = 128;
        float[][] mel = randomMel(4, frames, 3);
        float[] out = run(weights, mel, frames, new int[] {0, 1, 2, 3}, new int[] {0, 0, 1, 1});
        float[] neutral = ModelOutput.neutralVector();
        for (int r = 0; r < 4; r++) {
            for (int i = 0; i < ModelOutput.COUNT; i++) {
                assertEquals(neutral[i], out[r * ModelOutput.COUNT + i], 0.0);
            }
        }
    }

    static float[] run(MixNetWeights weights, float[][] mel, int frames, int[] roles, int[] groups) throws Exception {
        byte[] onnx = MixNetOnnx.build(weights, "test");
        try (MixNetSession session = MixNetSession.open("test", onnx, SessionSettings.cpu(1))) {
            assertEquals(InferenceDevice.CPU, session.provider());
            MixNetBatch batch = new MixNetBatch(mel.length, frames);
            for (int i = 0; i < mel.length; i++) {
                batch.add(mel[i], roles[i], groups[i]);
            }
            return session.predict(batch);
        }
    }

    static float[][] randomMel(int rows, int frames, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] mel = new float[rows][MixNetArchitecture.MEL_BANDS * frames];
        for (float[] m : mel) {
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (-80 + 90 * random.nextDouble());
            }
        }
        return mel;
    }
}
