package ai.aimix.launcher.bench;

import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.schema.ModelLineage;
import java.util.List;
import java.util.Map;

/**
 * A MixNet of seeded random weights (small, so it has opinions of its own) published to an embedded stack's model
 * store and registry: the benches' and the load generator's battle opponent.
 */
public final class SeededModel {
    /** Spread of the random weights: enough to mix audibly unlike the champion, not enough to clip. */
    static final float WEIGHT_SCALE = 0.05f;

    private SeededModel() {}

    /** Publishes model {@code id} made from {@code seed}; {@code why} is its lineage's note. */
    public static void publish(EmbeddedStack stack, String id, long seed, String why) throws Exception {
        EmbeddedStack.admin(stack.config())
                .publish(
                        id,
                        MixNetOnnx.build(MixNetWeights.random(seed, WEIGHT_SCALE), id),
                        new ModelLineage("seed", List.of(), seed, why),
                        Map.of());
    }
}
