package ai.aimix.model.mixnet2;

import static ai.aimix.model.MixNetReference.dense;
import static ai.aimix.model.mixnet2.MixNet2Shape.BANDS;
import static ai.aimix.model.mixnet2.MixNet2Shape.DESCRIPTORS;
import static ai.aimix.model.mixnet2.MixNet2Shape.MEL_BANDS;
import static ai.aimix.model.mixnet2.MixNet2Shape.OUTPUTS;
import static ai.aimix.model.mixnet2.MixNet2Shape.ROLES;
import static ai.aimix.model.mixnet2.MixNet2Shape.convOut;

import ai.aimix.model.MixNetReference;
import ai.aimix.model.ModelOutput;

/**
 * The mixnet-2 forward pass in plain Java, written from the architecture description ({@link MixNet2Shape}) rather
 * than from the ONNX graph: the yardstick ONNX Runtime's output and the trainer's own forward pass are checked
 * against. Direct loops, double accumulators; not fast.
 */
public final class MixNet2Reference {
    private final MixNet2Weights w;
    private final MixNet2Shape s;

    public MixNet2Reference(MixNet2Weights weights) {
        this.w = weights;
        this.s = weights.shape();
    }

    /**
     * @param mel         [batch][MEL_BANDS * frames] row-major (band, frame) log-mel in dB
     * @param descriptors [batch][DESCRIPTORS] the stems' descriptors
     * @param roles       role ordinal per row (outside the vocabulary reads as the last role)
     * @param groups      group id per row: rows with the same id are stems of the same mix segment
     * @return [batch][OUTPUTS] parameters
     */
    public float[][] predict(float[][] mel, int frames, float[][] descriptors, int[] roles, int[] groups) {
        int batch = mel.length;
        float[][] e = new float[batch][];
        for (int b = 0; b < batch; b++) {
            e[b] = embed(mel[b], frames, descriptors[b]);
        }
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            int members = 0;
            for (int j = 0; j < batch; j++) {
                members += groups[j] == groups[b] ? 1 : 0;
            }
            float[] h0 = new float[s.headInput()];
            System.arraycopy(e[b], 0, h0, 0, s.embedding());
            for (int j = 0; j < batch; j++) {
                if (groups[j] == groups[b]) {
                    for (int k = 0; k < s.embedding(); k++) {
                        h0[s.embedding() + k] += e[j][k] / members;
                    }
                }
            }
            int role = roles[b] < 0 || roles[b] >= ROLES ? ROLES - 1 : roles[b];
            h0[2 * s.embedding() + role] = 1f;
            float[] h1 = dense(h0, w.get("fc1.weight"), w.get("fc1.bias"), s.hidden(), true);
            float[] raw = dense(h1, w.get("fc2.weight"), w.get("fc2.bias"), OUTPUTS, false);
            float[] p = new float[OUTPUTS];
            for (ModelOutput o : ModelOutput.values()) {
                p[o.ordinal()] = o.clamp(o.neutral() + o.step() * raw[o.ordinal()]);
            }
            out[b] = p;
        }
        return out;
    }

    /** One stem's embedding {@code e} (the encoder's output, before the context and the head). */
    public float[] embed(float[] mel, int frames, float[] descriptors) {
        return dense(features(mel, frames, descriptors), w.get("enc.weight"), w.get("enc.bias"), s.embedding(), true);
    }

    /** The embedding layer's input: the time-pooled convolution output (channel-major) and the standardised descriptors. */
    public float[] features(float[] mel, int frames, float[] descriptors) {
        float[] x = new float[MEL_BANDS * frames];
        for (int i = 0; i < x.length; i++) {
            x[i] = (mel[i] - MixNet2Shape.MEL_DB_OFFSET) / MixNet2Shape.MEL_DB_SCALE;
        }
        int h1 = convOut(MEL_BANDS);
        int t1 = convOut(frames);
        float[] c1 = conv(x, 1, MEL_BANDS, frames, w.get("conv1.weight"), w.get("conv1.bias"), s.c1());
        float[] c2 = conv(c1, s.c1(), h1, t1, w.get("conv2.weight"), w.get("conv2.bias"), s.c2());
        int t2 = convOut(t1);
        float[] f = new float[s.features()];
        for (int c = 0; c < s.c2(); c++) {
            for (int band = 0; band < BANDS; band++) {
                double sum = 0;
                for (int t = 0; t < t2; t++) {
                    sum += c2[(c * BANDS + band) * t2 + t];
                }
                f[c * BANDS + band] = (float) (sum / t2);
            }
        }
        float[] mean = w.get("desc.mean");
        float[] scale = w.get("desc.scale");
        for (int d = 0; d < DESCRIPTORS; d++) {
            f[s.c2() * BANDS + d] = (descriptors[d] - mean[d]) / scale[d];
        }
        return f;
    }

    /** 3x3 stride-2 pad-1 convolution of one NCHW image (mixnet-1's, at stride 2), then Relu. */
    static float[] conv(float[] in, int cin, int h, int t, float[] weight, float[] bias, int cout) {
        float[] out = MixNetReference.conv(in, cin, h, t, weight, bias, cout, 2);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0f, out[i]);
        }
        return out;
    }
}
