package ai.aimix.model.genome;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.onnx.MixNet2Onnx;
import ai.aimix.model.onnx.MixNetOnnx;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's weights as evolution sees them, whatever its architecture: named float tensors of one architecture and
 * shape, which tensors unrelated parents may exchange and which mutation moves, the ONNX file of a child, and a
 * probe batch to check a child before it is stored. Read from an fp32 ONNX file by {@link #fromOnnx}.
 */
public sealed interface Genome permits MixNet1Genome, MixNet2Genome {

    /** The weights of an fp32 ONNX model of any architecture this service trains. */
    static Genome fromOnnx(byte[] onnx) {
        return MixNet2Onnx.isMixNet2(onnx)
                ? new MixNet2Genome(MixNet2Onnx.readWeights(onnx))
                : new MixNet1Genome(MixNetOnnx.readWeights(onnx));
    }

    /** The architecture and its shape, e.g. {@code mixnet-2 c1=8 c2=16 embedding=32 hidden=64}. */
    String describe();

    /** Every tensor's name, in the architecture's order. */
    List<String> names();

    /** The tensor itself (not a copy). */
    float[] get(String name);

    /** A genome of the same architecture and shape with these tensors (copied; every name must be given). */
    Genome with(Map<String, float[]> tensors);

    /** Whether both have the same architecture and shape, so that their tensors can be averaged or exchanged. */
    boolean sameShape(Genome other);

    /**
     * Tensors that unrelated parents of the same shape may exchange whole: only those whose inputs mean the same
     * in both (mixnet-1's dense head, whose encoder every version shares); none for a network trained end to end.
     */
    Set<String> exchangeable();

    /** The output layer: both architectures name it so. */
    List<String> OUTPUT_LAYER = List.of("fc2.weight", "fc2.bias");

    /**
     * The learned tensors mutation may move, in a fixed order (the noise is drawn tensor by tensor, and a replay must
     * draw it the same way): a mixnet-1's output layer (its encoder is the fixed random one every mixnet-1 shares,
     * its trained hidden layer takes no noise), a mixnet-2's every layer (not its descriptor standardisation, which is measured, not learned).
     */
    List<String> mutable();

    /** The model as an fp32 ONNX file with this version id. */
    byte[] onnx(String version);

    /**
     * The predicted parameters on a fixed probe batch: two stems of noise at typical levels and a silent one, with
     * the inputs the architecture takes.
     */
    float[][] probe();

    /**
     * What a bred child must pass before it is stored: every weight finite, and on the probe batch every predicted
     * parameter finite, and none of an audible stem's pinned at a limit of its range other than its neutral value (the
     * outputs are clamped into their ranges, so a child whose weights blew up shows as parameters at their limits:
     * gain at -24 or +12 dB, an EQ band at ±12 dB, a pan hard left or right on noise).
     */
    default boolean sane() {
        for (String name : names()) {
            for (float v : get(name)) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        float[][] p = probe();
        for (int row = 0; row < p.length; row++) {
            boolean audible = row < ProbeBatch.STEMS - 1;
            for (ModelOutput o : ModelOutput.values()) {
                float v = p[row][o.ordinal()];
                if (!Float.isFinite(v)) {
                    return false;
                }
                boolean atLimit = v <= o.min() || v >= o.max();
                if (audible && atLimit && v != o.neutral()) {
                    return false;
                }
            }
        }
        return true;
    }
}
