package ai.aimix.model.genome;

import ai.aimix.model.mixnet2.MixNet2Reference;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import ai.aimix.model.onnx.MixNet2Onnx;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mixnet-2: trained end to end, so the features one version's head reads are its own; unrelated parents exchange
 * nothing (a child of two unrelated mixnet-2 is its first parent mutated).
 */
public record MixNet2Genome(MixNet2Weights weights) implements Genome {
    private static final List<String> NAMES = List.of(MixNet2Shape.NAMES);
    private static final List<String> MUTABLE =
            NAMES.stream().filter(n -> !n.startsWith("desc.")).toList();

    @Override
    public String describe() {
        return MixNet2Shape.NAME + " " + weights.shape();
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
        return new MixNet2Genome(MixNet2Weights.of(weights.shape(), tensors));
    }

    @Override
    public boolean sameShape(Genome other) {
        return other instanceof MixNet2Genome g && g.weights.shape().equals(weights.shape());
    }

    @Override
    public Set<String> exchangeable() {
        return Set.of();
    }

    @Override
    public List<String> mutable() {
        return MUTABLE;
    }

    @Override
    public byte[] onnx(String version) {
        return MixNet2Onnx.build(weights, version);
    }

    /**
     * The probe's descriptors are the standardisation's own mean for the noise stems (what the model saw most in
     * training) and what the meters give silence for the silent one (every level at the floor, crest 0).
     */
    @Override
    public float[][] probe() {
        float[][] descriptors = new float[ProbeBatch.STEMS][];
        float[] mean = weights.get("desc.mean");
        for (int s = 0; s < ProbeBatch.STEMS - 1; s++) {
            descriptors[s] = mean.clone();
        }
        float[] silent = new float[MixNet2Shape.DESCRIPTORS];
        Arrays.fill(silent, ProbeBatch.SILENT_DB);
        silent[MixNet2Shape.DESCRIPTOR_CREST] = 0f; // peak and RMS both at the floor
        descriptors[ProbeBatch.STEMS - 1] = silent;
        return new MixNet2Reference(weights)
                .predict(
                        ProbeBatch.mel(MixNet2Shape.MEL_BANDS),
                        ProbeBatch.FRAMES,
                        descriptors,
                        ProbeBatch.ROLES,
                        ProbeBatch.GROUPS);
    }
}
