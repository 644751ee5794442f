package ai.aimix.model.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.store.Descriptors;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.codec.Contract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryChangesTest {

    static ModelDescriptor model(String id, ModelPrecision precision, Map<String, Double> metrics) throws Exception {
        ModelDescriptor d = Descriptors.describe(
                id,
                MixNetOnnx.build(MixNetWeights.random(id.hashCode(), 0.1f), id),
                "file:///models/" + id,
                new ModelLineage("test", List.of(), null, null),
                metrics,
                ModelStatus.CANDIDATE,
                1000);
        return ModelDescriptor.newBuilder(d).setPrecision(precision).build();
    }

    /** The entries go through the topic's codec, in order, as the job and the CLI see them. */
    static RegistryView replay(List<RegistryEntry> log) throws Exception {
        RegistryView v = new RegistryView();
        for (RegistryEntry e : log) {
            v.apply(Contract.REGISTRY.decode(Contract.REGISTRY.encode(e)));
        }
        return v;
    }

    @Test
    void bootstrapPromoteRollback() throws Exception {
        List<RegistryEntry> log = new ArrayList<>();
        ModelDescriptor v1 = model("v1", ModelPrecision.FP32, Map.of());
        log.addAll(RegistryChanges.bootstrap(new RegistryView(), v1, 1));
        RegistryView v = replay(log);
        assertEquals("v1", v.champion("main").orElseThrow().getModelId());
        assertEquals(ModelStatus.CHAMPION, v.model("v1").orElseThrow().getStatus());
        assertEquals(List.of(), RegistryChanges.bootstrap(v, v1, 2), "bootstrap happens once");

        log.addAll(RegistryChanges.publish(v, model("v2", ModelPrecision.FP32, Map.of())));
        RegistryView withV2 = replay(log);
        assertThrows(
                RegistryException.class,
                () -> RegistryChanges.publish(withV2, model("v2", ModelPrecision.FP32, Map.of())));
        log.addAll(RegistryChanges.promote(withV2, "v2", null, 3, "better"));
        v = replay(log);
        ChampionAlias a = v.champion("main").orElseThrow();
        assertEquals("v2", a.getModelId());
        assertEquals(List.of("v1"), a.getPrevious());
        assertEquals(ModelStatus.CHAMPION, v.model("v2").orElseThrow().getStatus());
        assertEquals(ModelStatus.CANDIDATE, v.model("v1").orElseThrow().getStatus());
        assertEquals("v2", v.resolve(null, "main").model.getModelId());
        assertEquals("v1", v.resolve("v1", null).model.getModelId());

        // rollback: v1 again, v2 retired and refused by name
        log.addAll(RegistryChanges.rollback(v, "main", 4, "v2 sounds bad"));
        RegistryView back = replay(log);
        assertEquals("v1", back.champion("main").orElseThrow().getModelId());
        assertEquals(List.of(), back.champion("main").orElseThrow().getPrevious());
        assertEquals(ModelStatus.CHAMPION, back.model("v1").orElseThrow().getStatus());
        assertEquals(ModelStatus.RETIRED, back.model("v2").orElseThrow().getStatus());
        assertEquals(RegistryView.Problem.RETIRED, back.resolve("v2", null).problem);
        assertEquals(RegistryView.Problem.UNKNOWN, back.resolve("v9", null).problem);
        assertThrows(
                RegistryException.class,
                () -> RegistryChanges.rollback(back, "main", 5, "again"),
                "nothing left to roll back to");
        assertThrows(RegistryException.class, () -> RegistryChanges.promote(back, "v2", "main", 5, "retired"));
    }

    @Test
    void leaguesAreIndependent() throws Exception {
        List<RegistryEntry> log = new ArrayList<>();
        log.addAll(RegistryChanges.bootstrap(new RegistryView(), model("v1", ModelPrecision.FP32, Map.of()), 1));
        log.addAll(RegistryChanges.publish(replay(log), model("rock", ModelPrecision.FP32, Map.of())));
        log.addAll(RegistryChanges.promote(replay(log), "rock", "rock", 2, "genre model"));
        RegistryView v = replay(log);
        assertEquals("v1", v.resolve(null, null).model.getModelId());
        assertEquals("rock", v.resolve(null, "rock").model.getModelId());
        assertEquals(RegistryView.Problem.UNKNOWN, v.resolve(null, "jazz").problem);
        assertEquals(
                List.of("main", "rock"),
                v.champions().stream().map(ChampionAlias::getLeague).toList());
        assertThrows(RegistryException.class, () -> RegistryChanges.retire(v, "v1", 3), "champions are not retired");
        assertEquals(
                "model/v1", RegistryView.key(RegistryView.entry(v.model("v1").orElseThrow())));
        assertEquals(
                "champion/rock",
                RegistryView.key(RegistryView.entry(v.champion("rock").orElseThrow())));
    }

    /** Quantized models are promoted only with measured deviations inside the documented bounds. */
    @Test
    void quantizedModelsPassTheGateOrStayCandidates() throws Exception {
        List<RegistryEntry> log = new ArrayList<>();
        log.addAll(RegistryChanges.bootstrap(new RegistryView(), model("v1", ModelPrecision.FP32, Map.of()), 1));
        log.addAll(RegistryChanges.publish(replay(log), model("q-none", ModelPrecision.INT8, Map.of())));
        log.addAll(RegistryChanges.publish(
                replay(log),
                model(
                        "q-bad",
                        ModelPrecision.INT8,
                        Map.of(
                                RegistryChanges.METRIC_MAX_PARAM_DEVIATION,
                                0.9,
                                RegistryChanges.METRIC_MIX_DISTANCE,
                                0.01))));
        log.addAll(RegistryChanges.publish(
                replay(log),
                model(
                        "q-good",
                        ModelPrecision.FP16,
                        Map.of(
                                RegistryChanges.METRIC_MAX_PARAM_DEVIATION,
                                0.01,
                                RegistryChanges.METRIC_MIX_DISTANCE,
                                0.001))));
        RegistryView v = replay(log);
        RegistryException none =
                assertThrows(RegistryException.class, () -> RegistryChanges.promote(v, "q-none", null, 2, ""));
        assertTrue(none.getMessage().contains("no max_param_deviation"), none.getMessage());
        RegistryException bad =
                assertThrows(RegistryException.class, () -> RegistryChanges.promote(v, "q-bad", null, 2, ""));
        assertTrue(bad.getMessage().contains("deviates too far"), bad.getMessage());
        assertFalse(RegistryChanges.promote(v, "q-good", null, 2, "").isEmpty());
    }

    /** A league remembers its last CHAMPION_HISTORY champions; rollback walks back through them in order. */
    @Test
    void championHistoryIsBounded() throws Exception {
        List<RegistryEntry> log = new ArrayList<>(
                RegistryChanges.bootstrap(new RegistryView(), model("g0", ModelPrecision.FP32, Map.of()), 1));
        int generations = RegistryChanges.CHAMPION_HISTORY + 5;
        for (int g = 1; g <= generations; g++) {
            log.addAll(RegistryChanges.publish(replay(log), model("g" + g, ModelPrecision.FP32, Map.of())));
            log.addAll(RegistryChanges.promote(replay(log), "g" + g, null, 10 + g, "generation " + g));
        }
        RegistryView v = replay(log);
        List<String> previous = v.champion("main").orElseThrow().getPrevious();
        assertEquals(RegistryChanges.CHAMPION_HISTORY, previous.size());
        assertEquals("g" + (generations - RegistryChanges.CHAMPION_HISTORY), previous.get(0));
        assertEquals("g" + (generations - 1), previous.get(previous.size() - 1));
        log.addAll(RegistryChanges.rollback(v, "main", 100, "bad"));
        log.addAll(RegistryChanges.rollback(replay(log), "main", 101, "bad too"));
        assertEquals(
                "g" + (generations - 2),
                replay(log).champion("main").orElseThrow().getModelId());
    }

    /** A fresh registry gets the shipped models with the trained one as champion; an existing one keeps its champion. */
    @Test
    void bootstrapOfTheShippedModels() throws Exception {
        ModelDescriptor v1 = model("v1", ModelPrecision.FP32, Map.of());
        ModelDescriptor v2 = model("v2", ModelPrecision.FP32, Map.of());
        RegistryView fresh = replay(RegistryChanges.bootstrap(new RegistryView(), List.of(v1, v2), "v2", 1));
        assertEquals("v2", fresh.champion("main").orElseThrow().getModelId());
        assertEquals(ModelStatus.CHAMPION, fresh.model("v2").orElseThrow().getStatus());
        assertEquals(ModelStatus.CANDIDATE, fresh.model("v1").orElseThrow().getStatus());
        assertEquals(List.of(), RegistryChanges.bootstrap(fresh, List.of(v1, v2), "v2", 2), "idempotent");

        // a deployment bootstrapped before v2 existed: v2 arrives as a candidate, v1 stays champion
        List<RegistryEntry> old = new ArrayList<>(RegistryChanges.bootstrap(new RegistryView(), v1, 1));
        old.addAll(RegistryChanges.bootstrap(replay(old), List.of(v1, v2), "v2", 2));
        RegistryView upgraded = replay(old);
        assertEquals("v1", upgraded.champion("main").orElseThrow().getModelId());
        assertEquals(ModelStatus.CANDIDATE, upgraded.model("v2").orElseThrow().getStatus());
    }
}
