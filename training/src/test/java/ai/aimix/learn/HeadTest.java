package ai.aimix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetReference;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadTest {
    /** The analytic gradient equals central finite differences of the loss (relative 1e-2, in float). */
    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(5);
        Head h = Head.init(6, 5, 3, 9);
        for (int i = 0; i < h.w2.length; i++) {
            h.w2[i] = (float) (r.nextDouble() - 0.5);
        }
        for (int i = 0; i < h.b1.length; i++) {
            h.b1[i] = (float) (0.3 * r.nextDouble());
        }
        float[][] x = new float[7][6];
        float[][] y = new float[7][3];
        for (int n = 0; n < 7; n++) {
            for (int i = 0; i < 6; i++) {
                x[n][i] = (float) (2 * r.nextDouble() - 1);
            }
            for (int o = 0; o < 3; o++) {
                y[n][o] = (float) (2 * r.nextDouble() - 1);
            }
        }
        float[] weights = {1f, 0.5f, 2f};
        float[][] grad = h.zeroGradient();
        h.lossAndGradient(x, y, weights, grad);
        float[][] params = h.parameters();
        int checked = 0;
        for (int t = 0; t < params.length; t++) {
            for (int i = 0; i < params[t].length; i++) {
                float keep = params[t][i];
                float eps = 1e-2f;
                params[t][i] = keep + eps;
                double up = h.lossAndGradient(x, y, weights, h.zeroGradient());
                params[t][i] = keep - eps;
                double down = h.lossAndGradient(x, y, weights, h.zeroGradient());
                params[t][i] = keep;
                double numeric = (up - down) / (2 * eps);
                assertEquals(
                        numeric, grad[t][i], 1e-2 * Math.max(0.05, Math.abs(numeric)), "tensor " + t + " index " + i);
                checked++;
            }
        }
        assertEquals(6 * 5 + 5 + 5 * 3 + 3, checked);
    }

    /** The head's layout is the ONNX model's: with a model's fc weights it computes the model's raw outputs. */
    @Test
    void computesTheModelsHead() {
        MixNetWeights w = MixNetWeights.random(3L, 0.3f);
        Head h = new Head(
                MixNetArchitecture.HEAD_INPUT,
                MixNetArchitecture.HIDDEN,
                MixNetArchitecture.OUTPUTS,
                w.get("fc1.weight"),
                w.get("fc1.bias"),
                w.get("fc2.weight"),
                w.get("fc2.bias"));
        int frames = 32;
        SplittableRandom r = new SplittableRandom(8);
        float[][] mel = new float[2][MixNetArchitecture.MEL_BANDS * frames];
        for (float[] m : mel) {
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (-70 + 60 * r.nextDouble());
            }
        }
        MixNetReference ref = new MixNetReference(w);
        float[][] expected = ref.predict(mel, frames, new int[] {2, 10}, new int[] {0, 0});
        float[][] emb = {ref.encode(mel[0], frames), ref.encode(mel[1], frames)};
        for (int b = 0; b < 2; b++) {
            float[] x = new float[MixNetArchitecture.HEAD_INPUT];
            for (int k = 0; k < MixNetArchitecture.EMBEDDING; k++) {
                x[k] = emb[b][k];
                x[MixNetArchitecture.EMBEDDING + k] = (emb[0][k] + emb[1][k]) / 2;
            }
            x[2 * MixNetArchitecture.EMBEDDING + (b == 0 ? 2 : 10)] = 1f;
            float[] raw = h.forward(x);
            for (ModelOutput o : ModelOutput.values()) {
                assertEquals(expected[b][o.ordinal()], o.clamp(o.neutral() + o.step() * raw[o.ordinal()]), 1e-4);
            }
        }
    }

    @Test
    void adamFindsTheMinimumOfAQuadratic() {
        float[][] p = {{5f, -3f}};
        Adam adam = new Adam(p, 0.1);
        for (int i = 0; i < 2000; i++) {
            float[][] g = {{2 * (p[0][0] - 1), 2 * (p[0][1] + 2)}};
            adam.update(p, g, 1);
        }
        assertEquals(1f, p[0][0], 1e-3);
        assertEquals(-2f, p[0][1], 1e-3);
        assertEquals(2000, adam.steps());
        assertTrue(adam.state()[0][0].length == 2);
    }

    /** Standardisation folded into the first layer: the folded head on raw inputs = the head on standardised ones. */
    @Test
    void foldingTheStandardisationKeepsTheOutputs() {
        SplittableRandom r = new SplittableRandom(4);
        Head h = Head.init(MixNetArchitecture.HEAD_INPUT, 8, 3, 2);
        for (int i = 0; i < h.w2.length; i++) {
            h.w2[i] = (float) (r.nextDouble() - 0.5);
        }
        int dims = 2 * MixNetArchitecture.EMBEDDING;
        float[][] stats = new float[2][dims];
        for (int d = 0; d < dims; d++) {
            stats[0][d] = (float) (5 * r.nextDouble());
            stats[1][d] = (float) (0.1 + 2 * r.nextDouble());
        }
        Head folded = Trainer.fold(h, stats);
        float[] raw = new float[MixNetArchitecture.HEAD_INPUT];
        float[] standard = new float[MixNetArchitecture.HEAD_INPUT];
        for (int d = 0; d < raw.length; d++) {
            raw[d] = (float) (10 * r.nextDouble());
            standard[d] = d < dims ? (raw[d] - stats[0][d]) / stats[1][d] : raw[d];
        }
        assertArrayEquals(h.forward(standard), folded.forward(raw), 1e-4f);
    }
}
