package ai.aimix.model.store;

import ai.aimix.schema.ModelLineage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model version shipped as a resource of this module: {@code ai/aimix/model/shipped/<id>.onnx} and
 * {@code <id>.json} ({@code lineage}: operation, parents, seed, note; {@code metrics}: name to number).
 */
final class ShippedModel {
    final byte[] onnx;
    final ModelLineage lineage;
    final Map<String, Double> metrics;

    private ShippedModel(byte[] onnx, ModelLineage lineage, Map<String, Double> metrics) {
        this.onnx = onnx;
        this.lineage = lineage;
        this.metrics = metrics;
    }

    static ShippedModel load(String id) throws IOException {
        String base = "/ai/aimix/model/shipped/" + id;
        byte[] onnx;
        JsonNode meta;
        try (InputStream model = ShippedModel.class.getResourceAsStream(base + ".onnx");
                InputStream json = ShippedModel.class.getResourceAsStream(base + ".json")) {
            if (model == null || json == null) {
                throw new IOException(
                        "the shipped model " + id + " is missing from the build (" + base + ".onnx/.json)");
            }
            onnx = model.readAllBytes();
            meta = new ObjectMapper().readTree(json);
        }
        JsonNode l = meta.path("lineage");
        List<String> parents = new ArrayList<>();
        l.path("parents").forEach(p -> parents.add(p.asText()));
        ModelLineage lineage = new ModelLineage(
                l.path("operation").asText("train"),
                parents,
                l.hasNonNull("seed") ? l.path("seed").asLong() : null,
                l.hasNonNull("note") ? l.path("note").asText() : null);
        Map<String, Double> metrics = new LinkedHashMap<>();
        meta.path("metrics")
                .fields()
                .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        return new ShippedModel(onnx, lineage, metrics);
    }
}
