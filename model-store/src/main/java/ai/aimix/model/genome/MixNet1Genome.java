package ai.aimix.model.genome;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetReference;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mixnet-1: every version shares the encoder (its convolutions are never trained), so unrelated parents may
 * exchange the dense head's layers.
 */
public record MixNet1Genome(MixNetWeights weights) implements Genome {
    private static final List<String> NAMES = List.of(MixNetWeights.NAMES);
    private static final Set<String> HEAD = Set.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    /**
     * The output layer only: a trained mixnet-1's hidden layer (RMS 72 in mixnet-v2) balances its weights so finely
     * that 1 % noise there took mixnet-v2's benchmark mix distance from 0.67 to 2.6-3.9.
     */
    private static final List<String> MUTABLE = OUTPUT_LAYER;

    @Override
    public String describe() {
        return MixNetArchitecture.NAME;
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public float[] get(String name) {
        return weights.get(name);
    }

    @Override
    public Genome with(Map<String, float[]> tensors) {
        return new MixNet1Genome(MixNetWeights.of(tensors));
    }

    @Override
    public boolean sameShape(Genome other) {
        return other instanceof MixNet1Genome;
    }

    @Override
    public Set<String> exchangeable() {
        return HEAD;
    }

    @Override
    public List<String> mutable() {
        return MUTABLE;
    }

    @Override
    public byte[] onnx(String version) {
        return MixNetOnnx.build(weights, version);
    }

    @Override
    public float[][] probe() {
        return new MixNetReference(weights)
                .predict(
                        ProbeBatch.mel(MixNetArchitecture.MEL_BANDS),
                        ProbeBatch.FRAMES,
                        ProbeBatch.ROLES,
                        ProbeBatch.GROUPS);
    }
}
