package ai.aimix.learn;

import ai.aimix.model.StandardNormal;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The mixnet's dense head in plain Java with explicit gradients: {@code h = relu(W1 x + b1)}, {@code y = W2 h + b2}
 * (the raw outputs, before the model's scale, shift and clamp). Weights are row-major as in the ONNX graph
 * ({@code fc1.weight [hidden, inputs]}, {@code fc2.weight [outputs, hidden]}), so they go into a model unchanged.
 */
public final class Head {
    public final int inputs;
    public final int hidden;
    public final int outputs;
    public final float[] w1;
    public final float[] b1;
    public final float[] w2;
    public final float[] b2;

    public Head(int inputs, int hidden, int outputs, float[] w1, float[] b1, float[] w2, float[] b2) {
        if (w1.length != hidden * inputs
                || b1.length != hidden
                || w2.length != outputs * hidden
                || b2.length != outputs) {
            throw new IllegalArgumentException("head weights do not match " + inputs + "/" + hidden + "/" + outputs);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.outputs = outputs;
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
    }

    /** He-normal first layer, zero second layer (the model starts neutral). */
    public static Head init(int inputs, int hidden, int outputs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w1 = new float[hidden * inputs];
        double sd = Math.sqrt(2.0 / inputs);
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (StandardNormal.draw(r) * sd);
        }
        return new Head(
                inputs, hidden, outputs, w1, new float[hidden], new float[outputs * hidden], new float[outputs]);
    }

    public Head copy() {
        return new Head(inputs, hidden, outputs, w1.clone(), b1.clone(), w2.clone(), b2.clone());
    }

    /** All parameters in one array (w1, b1, w2, b2), for the optimiser. */
    public float[][] parameters() {
        return new float[][] {w1, b1, w2, b2};
    }

    /** Raw outputs for one input row. */
    public float[] forward(float[] x) {
        float[] h = hidden(x);
        float[] y = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            double s = b2[o];
            for (int j = 0; j < hidden; j++) {
                s += w2[o * hidden + j] * h[j];
            }
            y[o] = (float) s;
        }
        return y;
    }

    private float[] hidden(float[] x) {
        float[] h = new float[hidden];
        for (int j = 0; j < hidden; j++) {
            double s = b1[j];
            int base = j * inputs;
            for (int i = 0; i < inputs; i++) {
                s += w1[base + i] * x[i];
            }
            h[j] = s > 0 ? (float) s : 0f;
        }
        return h;
    }

    /**
     * Weighted squared error of the raw outputs against {@code targets} over the rows, averaged, and its gradient
     * added into {@code grad} (same layout as {@link #parameters()}).
     *
     * @param weights per output; 0 leaves an output untrained
     * @return the loss
     */
    public double lossAndGradient(float[][] x, float[][] targets, float[] weights, float[][] grad) {
        float[] rows = new float[x.length];
        Arrays.fill(rows, 1f);
        return lossAndGradient(x, targets, rows, weights, grad);
    }

    /**
     * As {@link #lossAndGradient(float[][], float[][], float[], float[][])} with a weight per row too; the loss is
     * the weighted mean over rows.
     */
    public double lossAndGradient(float[][] x, float[][] targets, float[] rowWeights, float[] weights, float[][] grad) {
        double loss = 0;
        double n = 0;
        for (float w : rowWeights) {
            n += w;
        }
        if (n <= 0) {
            return 0;
        }
        float[] dh = new float[hidden];
        for (int r = 0; r < x.length; r++) {
            float rw = rowWeights[r];
            if (rw == 0f) {
                continue;
            }
            float[] h = hidden(x[r]);
            Arrays.fill(dh, 0f);
            for (int o = 0; o < outputs; o++) {
                double y = b2[o];
                for (int j = 0; j < hidden; j++) {
                    y += w2[o * hidden + j] * h[j];
                }
                double e = y - targets[r][o];
                loss += rw * weights[o] * e * e;
                float dy = (float) (2 * rw * weights[o] * e / n);
                if (dy == 0f) {
                    continue;
                }
                grad[3][o] += dy;
                for (int j = 0; j < hidden; j++) {
                    grad[2][o * hidden + j] += dy * h[j];
                    dh[j] += dy * w2[o * hidden + j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                if (h[j] <= 0f || dh[j] == 0f) {
                    continue;
                }
                grad[1][j] += dh[j];
                int base = j * inputs;
                for (int i = 0; i < inputs; i++) {
                    grad[0][base + i] += dh[j] * x[r][i];
                }
            }
        }
        return loss / n;
    }

    public float[][] zeroGradient() {
        return new float[][] {new float[w1.length], new float[b1.length], new float[w2.length], new float[b2.length]};
    }
}
