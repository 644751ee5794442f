package ai.aimix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.mixnet2.MixNet2Reference;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The training pass of mixnet-2: its forward pass is the reference's, its gradients are the loss's derivatives. */
class MixNet2PassTest {
    private static final MixNet2Shape TINY = new MixNet2Shape(2, 3, 4, 5);

    @ParameterizedTest
    @ValueSource(ints = {16, 37, 128})
    void forwardPassEqualsTheReference(int frames) throws Exception {
        MixNet2Weights w = weights(MixNet2Shape.DEFAULT, frames);
        List<MixNet2Pass.Example> batch = batch(new SplittableRandom(frames), frames, 6);
        float[][] raw = new MixNet2Pass(w, true, true, null).raw(batch);
        float[][] mel = new float[batch.size()][];
        float[][] desc = new float[batch.size()][];
        int[] roles = new int[batch.size()];
        int[] groups = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            mel[i] = batch.get(i).melFloats();
            desc[i] = batch.get(i).descriptors();
            roles[i] = batch.get(i).role();
            groups[i] = (int) batch.get(i).group();
        }
        float[][] expected = new MixNet2Reference(w).predict(mel, frames, desc, roles, groups);
        int informative = 0;
        for (int i = 0; i < raw.length; i++) {
            for (ModelOutput o : ModelOutput.values()) {
                float p = o.clamp(o.neutral() + o.step() * raw[i][o.ordinal()]);
                assertEquals(expected[i][o.ordinal()], p, 1e-4, "row " + i + " " + o);
                informative += p > o.min() && p < o.max() ? 1 : 0;
            }
        }
        assertTrue(informative > raw.length * ModelOutput.COUNT / 2, informative + " informative outputs");
    }

    /**
     * Finite differences of the loss in every tensor (all of a small tensor's entries, 40 drawn ones of a larger):
     * the analytic gradient within 1e-3 + 3 % of the central difference, or of the left or right one (step 1e-3).
     * The loss of a Relu network is piecewise smooth: with thousands of convolution outputs, some unit's kink can lie
     * within a step on one side of the point (seen: the left difference equal to the analytic value to 0.5 %, the
     * right one off by 10 %), and then only the other side measures the derivative.
     */
    @Test
    void gradientsMatchFiniteDifferences() throws Exception {
        int frames = 16;
        MixNet2Weights w = weights(TINY, 3, 1.5);
        List<MixNet2Pass.Example> batch = batch(new SplittableRandom(5), frames, 5);
        float[] lw = {2f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
        MixNet2Pass pass = new MixNet2Pass(w, true, true, null);
        float[][] grad = pass.zeroGradient();
        double at = pass.lossAndGradient(batch, lw, grad);
        SplittableRandom pick = new SplittableRandom(17);
        int checked = 0;
        StringBuilder bad = new StringBuilder();
        for (int t = 0; t < MixNet2Shape.TRAINABLE; t++) {
            float[] p = w.get(MixNet2Shape.NAMES[t]);
            int n = Math.min(p.length, 40);
            for (int j = 0; j < n; j++) {
                int i = p.length <= 40 ? j : pick.nextInt(p.length);
                float keep = p[i];
                double h = 1e-3;
                p[i] = (float) (keep + h);
                double up = pass.lossAndGradient(batch, lw, pass.zeroGradient());
                p[i] = (float) (keep - h);
                double down = pass.lossAndGradient(batch, lw, pass.zeroGradient());
                p[i] = keep;
                double analytic = grad[t][i];
                checked++;
                boolean ok = false;
                for (double numeric : new double[] {(up - down) / (2 * h), (up - at) / h, (at - down) / h}) {
                    ok |= Math.abs(numeric - analytic) <= 1e-3 + 0.03 * Math.abs(numeric);
                }
                if (!ok) {
                    bad.append(MixNet2Shape.NAMES[t]).append('[').append(i).append("] left ");
                    bad.append((at - down) / h).append(" right ").append((up - at) / h);
                    bad.append(" analytic ").append(analytic).append('\n');
                }
            }
        }
        assertTrue(bad.length() == 0, "of " + checked + " gradients, off:\n" + bad);
        double convGradient = 0;
        for (float v : grad[0]) {
            convGradient += Math.abs(v);
        }
        assertTrue(convGradient > 1e-4, "no gradient reached the first convolution");
    }

    @Test
    void gradientsDoNotDependOnTheThreads() throws Exception {
        MixNet2Weights w = weights(MixNet2Shape.DEFAULT, 8);
        List<MixNet2Pass.Example> batch = batch(new SplittableRandom(8), 64, 12);
        float[] lw = {2f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
        MixNet2Pass one = new MixNet2Pass(w, true, true, null);
        float[][] g1 = one.zeroGradient();
        double l1 = one.lossAndGradient(batch, lw, g1);
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            MixNet2Pass three = new MixNet2Pass(w, true, true, pool);
            float[][] g3 = three.zeroGradient();
            assertEquals(l1, three.lossAndGradient(batch, lw, g3), 0.0);
            for (int t = 0; t < g1.length; t++) {
                assertArrayEquals(g1[t], g3[t], 0f, MixNet2Shape.NAMES[t]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDescriptorsOnlyModelLeavesTheConvolutionsAlone() throws Exception {
        MixNet2Weights w = weights(TINY, 4);
        List<MixNet2Pass.Example> batch = batch(new SplittableRandom(4), 32, 4);
        MixNet2Pass pass = new MixNet2Pass(w, false, true, null);
        float[][] g = pass.zeroGradient();
        pass.lossAndGradient(batch, new float[] {1, 1, 1, 1, 1, 1, 1}, g);
        for (int t = 0; t < 4; t++) {
            for (float v : g[t]) {
                assertEquals(0f, v, 0f, MixNet2Shape.NAMES[t]);
            }
        }
        double enc = 0;
        for (float v : g[4]) {
            enc += Math.abs(v);
        }
        assertTrue(enc > 0);
    }

    static MixNet2Weights weights(MixNet2Shape shape, long seed) {
        return weights(shape, seed, 0.05);
    }

    static MixNet2Weights weights(MixNet2Shape shape, long seed, double kinkFree) {
        MixNet2Weights w = MixNet2Weights.random(shape, seed, 0.5f);
        SplittableRandom r = new SplittableRandom(seed + 1);
        float[] mean = w.get("desc.mean");
        float[] scale = w.get("desc.scale");
        float[] enc = w.get("enc.bias");
        for (int d = 0; d < mean.length; d++) {
            mean[d] = (float) (-20 + 10 * r.nextDouble());
            scale[d] = (float) (5 + 5 * r.nextDouble());
        }
        for (int i = 0; i < enc.length; i++) {
            enc[i] = 0.3f; // most embedding units active
        }
        // convolution biases well above zero: few pre-activations near the Relu's kink, where a finite difference
        // of a piecewise-linear function stops measuring the derivative
        for (String conv : new String[] {"conv1.bias", "conv2.bias"}) {
            float[] b = w.get(conv);
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (kinkFree + 0.2 * r.nextDouble());
            }
        }
        float[] b1 = w.get("fc1.bias");
        for (int i = 0; i < b1.length; i++) {
            b1[i] = 0.3f;
        }
        return w;
    }

    /** Rows of two mix segments (the first half, the second half), random spectra, descriptors and targets. */
    static List<MixNet2Pass.Example> batch(SplittableRandom r, int frames, int rows) {
        List<MixNet2Pass.Example> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            float[] mel = new float[MixNet2Shape.MEL_BANDS * frames];
            double level = -50 + 30 * r.nextDouble();
            double tilt = r.nextDouble() - 0.5;
            for (int j = 0; j < mel.length; j++) {
                mel[j] = (float) (level + tilt * (j / frames) * 0.3 + 8 * r.nextGaussian());
            }
            float[] d = new float[MixNet2Shape.DESCRIPTORS];
            for (int k = 0; k < d.length; k++) {
                d[k] = (float) (-30 + 20 * r.nextDouble());
            }
            float[] target = new float[ModelOutput.COUNT];
            for (int k = 0; k < target.length; k++) {
                target[k] = (float) r.nextGaussian();
            }
            out.add(MixNet2Pass.Example.of(
                    mel, frames, d, r.nextInt(14), i < rows / 2 ? 0 : 1, i, target, i == 0 ? 0.05f : 1f));
        }
        return out;
    }
}
