package ai.aimix.model;

import static ai.aimix.model.MixNetArchitecture.C1;
import static ai.aimix.model.MixNetArchitecture.C2;
import static ai.aimix.model.MixNetArchitecture.C3;
import static ai.aimix.model.MixNetArchitecture.EMBEDDING;
import static ai.aimix.model.MixNetArchitecture.HEAD_INPUT;
import static ai.aimix.model.MixNetArchitecture.HIDDEN;
import static ai.aimix.model.MixNetArchitecture.KERNEL;
import static ai.aimix.model.MixNetArchitecture.MEL_BANDS;
import static ai.aimix.model.MixNetArchitecture.OUTPUTS;
import static ai.aimix.model.MixNetArchitecture.ROLES;

/**
 * The mixnet forward pass in plain Java, written from the architecture description rather than from the ONNX
 * graph: the yardstick ONNX Runtime's output is checked against, and a CPU fallback free of native code.
 */
public final class MixNetReference {
    private final MixNetWeights w;

    public MixNetReference(MixNetWeights weights) {
        this.w = weights;
    }

    /**
     * @param mel    [batch][MEL_BANDS * frames] row-major (band, frame) log-mel in dB
     * @param roles  role ordinal per row
     * @param groups group id per row: rows with the same id are stems of the same mix segment
     * @return [batch][OUTPUTS] parameters
     */
    public float[][] predict(float[][] mel, int frames, int[] roles, int[] groups) {
        int batch = mel.length;
        float[][] embedding = new float[batch][];
        for (int b = 0; b < batch; b++) {
            embedding[b] = encode(mel[b], frames);
        }
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            float[] context = new float[EMBEDDING];
            int members = 0;
            for (int j = 0; j < batch; j++) {
                if (groups[j] == groups[b]) {
                    members++;
                }
            }
            float inv = 1f / members;
            for (int j = 0; j < batch; j++) {
                if (groups[j] == groups[b]) {
                    for (int k = 0; k < EMBEDDING; k++) {
                        context[k] += inv * embedding[j][k];
                    }
                }
            }
            float[] h0 = new float[HEAD_INPUT];
            System.arraycopy(embedding[b], 0, h0, 0, EMBEDDING);
            System.arraycopy(context, 0, h0, EMBEDDING, EMBEDDING);
            h0[2 * EMBEDDING + roles[b]] = 1f;
            float[] h1 = dense(h0, w.get("fc1.weight"), w.get("fc1.bias"), HIDDEN, true);
            float[] raw = dense(h1, w.get("fc2.weight"), w.get("fc2.bias"), OUTPUTS, false);
            float[] p = new float[OUTPUTS];
            for (ModelOutput o : ModelOutput.values()) {
                int i = o.ordinal();
                p[i] = o.clamp(o.neutral() + o.step() * raw[i]);
            }
            out[b] = p;
        }
        return out;
    }

    /** The per-stem embedding (the encoder's output, before the head) of one band-major log-mel. */
    public float[] encode(float[] mel, int frames) {
        float[] x = new float[MEL_BANDS * frames];
        for (int i = 0; i < x.length; i++) {
            x[i] = (mel[i] - MixNetArchitecture.MEL_DB_OFFSET) / MixNetArchitecture.MEL_DB_SCALE;
        }
        int h = MEL_BANDS;
        int t = frames;
        float[] c1 = conv(x, 1, h, t, w.get("conv1.weight"), w.get("conv1.bias"), C1, 2);
        int h1 = MixNetArchitecture.convOut(h, 2);
        int t1 = MixNetArchitecture.convOut(t, 2);
        relu(c1);
        float[] p1 = maxPool(c1, C1, h1, t1);
        int h2 = MixNetArchitecture.poolOut(h1);
        int t2 = MixNetArchitecture.poolOut(t1);
        float[] c2 = conv(p1, C1, h2, t2, w.get("conv2.weight"), w.get("conv2.bias"), C2, 1);
        relu(c2);
        float[] p2 = maxPool(c2, C2, h2, t2);
        int h3 = MixNetArchitecture.poolOut(h2);
        int t3 = MixNetArchitecture.poolOut(t2);
        float[] c3 = conv(p2, C2, h3, t3, w.get("conv3.weight"), w.get("conv3.bias"), C3, 1);
        relu(c3);
        float[] e = new float[C3];
        int area = h3 * t3;
        for (int c = 0; c < C3; c++) {
            double s = 0;
            for (int i = 0; i < area; i++) {
                s += c3[c * area + i];
            }
            e[c] = (float) (s / area);
        }
        return e;
    }

    /** 3x3 convolution, padding 1, NCHW for one image. */
    public static float[] conv(float[] in, int cin, int h, int t, float[] weight, float[] bias, int cout, int stride) {
        int ho = MixNetArchitecture.convOut(h, stride);
        int to = MixNetArchitecture.convOut(t, stride);
        float[] out = new float[cout * ho * to];
        for (int co = 0; co < cout; co++) {
            for (int y = 0; y < ho; y++) {
                for (int x = 0; x < to; x++) {
                    double acc = bias[co];
                    for (int ci = 0; ci < cin; ci++) {
                        for (int ky = 0; ky < KERNEL; ky++) {
                            int iy = y * stride + ky - 1;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < KERNEL; kx++) {
                                int ix = x * stride + kx - 1;
                                if (ix < 0 || ix >= t) {
                                    continue;
                                }
                                acc += weight[((co * cin + ci) * KERNEL + ky) * KERNEL + kx]
                                        * in[(ci * h + iy) * t + ix];
                            }
                        }
                    }
                    out[(co * ho + y) * to + x] = (float) acc;
                }
            }
        }
        return out;
    }

    static float[] maxPool(float[] in, int c, int h, int t) {
        int ho = MixNetArchitecture.poolOut(h);
        int to = MixNetArchitecture.poolOut(t);
        float[] out = new float[c * ho * to];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < ho; y++) {
                for (int x = 0; x < to; x++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            m = Math.max(m, in[(ch * h + 2 * y + dy) * t + 2 * x + dx]);
                        }
                    }
                    out[(ch * ho + y) * to + x] = m;
                }
            }
        }
        return out;
    }

    static void relu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0) {
                x[i] = 0;
            }
        }
    }

    /** A dense layer, weight [out][in] row-major, double accumulation; Relu when asked. */
    public static float[] dense(float[] in, float[] weight, float[] bias, int out, boolean relu) {
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            double acc = bias[o];
            for (int i = 0; i < in.length; i++) {
                acc += weight[o * in.length + i] * in[i];
            }
            y[o] = relu ? Math.max(0f, (float) acc) : (float) acc;
        }
        return y;
    }

    /** Role ordinals outside the vocabulary read as the last role (OTHER). */
    public static int clampRole(int role) {
        return role < 0 || role >= ROLES ? ROLES - 1 : role;
    }
}
