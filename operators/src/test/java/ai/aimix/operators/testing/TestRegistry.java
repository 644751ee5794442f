package ai.aimix.operators.testing;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.ParameterRange;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Registry entries for operator tests, without files (the fake predictor never loads bytes). */
public final class TestRegistry {
    private TestRegistry() {}

    public static ModelDescriptor model(String id) {
        return model(id, ModelStatus.CANDIDATE, ModelFormat.V2.number());
    }

    public static ModelDescriptor model(String id, ModelStatus status, int format) {
        List<ParameterRange> params = new ArrayList<>();
        for (ModelOutput o : ModelOutput.values()) {
            params.add(new ParameterRange(o.name(), o.min(), o.max(), o.neutral()));
        }
        return ModelDescriptor.newBuilder()
                .setModelId(id)
                .setArchitecture("mixnet-1")
                .setFormatVersion(format)
                .setInputs(List.of(new TensorSpec("mel", "float", List.of("batch", "1", "128", "frames"))))
                .setOutputs(List.of(new TensorSpec("params", "float", List.of("batch", "7"))))
                .setParameters(params)
                .setPrecision(ModelPrecision.FP32)
                .setSha256("0".repeat(64))
                .setSizeBytes(0)
                .setUri("fake://" + id)
                .setCreatedAtMillis(0)
                .setLineage(new ModelLineage("test", List.of(), null, null))
                .setMetrics(Map.of())
                .setStatus(status)
                .setUpdatedAtMillis(0)
                .build();
    }

    public static RegistryEntry entry(ModelDescriptor d) {
        return RegistryView.entry(d);
    }

    public static RegistryEntry champion(String league, String id) {
        return RegistryView.entry(new ChampionAlias(league, id, List.of(), 0L, null));
    }

    /** Models m1 (champion of main) and m2. */
    public static List<RegistryEntry> standard() {
        return List.of(entry(model("m1", ModelStatus.CHAMPION, 2)), entry(model("m2")), champion("main", "m1"));
    }
}
