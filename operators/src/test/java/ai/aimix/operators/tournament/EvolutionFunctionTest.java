package ai.aimix.operators.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.evolution.Evolution;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.EvolutionKind;
import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import ai.aimix.schema.internal.EvolutionInput;
import ai.aimix.schema.internal.TournamentOutbound;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The league evolution function on Flink's keyed-broadcast harness: founding, retry, restore, leagues that do not evolve. */
class EvolutionFunctionTest {
    static final KeySelector<EvolutionInput, String> LEAGUE = EvolutionFunction::league;

    static KeyedBroadcastOperatorTestHarness<String, EvolutionInput, RegistryEntry, TournamentOutbound> harness(
            Path store, Set<String> leagues) throws Exception {
        EvolutionFunction f = new EvolutionFunction(
                new Evolution.Settings(), new BenchmarkGate.Settings(), store.toString(), leagues, 1_000);
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(f, List.of(EvolutionFunction.REGISTRY)),
                LEAGUE,
                Types.STRING,
                1,
                1,
                0);
    }

    /** The registry entries that make mixnet-v1 champion of league "sim". */
    static List<RegistryEntry> registry(ModelStore store) throws Exception {
        RegistryView view = new RegistryView();
        List<RegistryEntry> all = new ArrayList<>(RegistryChanges.bootstrap(view, store.bootstrap(), 1L));
        view.applyAll(all);
        all.addAll(RegistryChanges.promote(view, ModelStore.FIRST_VERSION, "sim", 2L, "test"));
        return all;
    }

    static ChampionAlias alias(List<RegistryEntry> entries) {
        return entries.stream()
                .map(RegistryEntry::getPayload)
                .filter(p -> p instanceof ChampionAlias)
                .map(p -> (ChampionAlias) p)
                .filter(a -> a.getLeague().equals("sim"))
                .findFirst()
                .orElseThrow();
    }

    static List<EvolutionEvent> events(List<TournamentOutbound> out) {
        return out.stream()
                .map(TournamentOutbound::getEvolution)
                .filter(e -> e != null)
                .collect(Collectors.toList());
    }

    @Test
    void aChampionChangeFoundsTheLeagueOnceItsDescriptorIsKnownAndTheStateSurvivesARestore(@TempDir Path dir)
            throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        List<RegistryEntry> registry = registry(store);
        OperatorSubtaskState snapshot;
        List<RegistryEntry> children;
        try (var h = harness(dir, Set.of("sim"))) {
            h.open();
            // the alias arrives on the keyed side before the broadcast registry: retried on a timer
            h.processElement(new EvolutionInput(null, alias(registry)), 0);
            assertTrue(h.extractOutputValues().isEmpty());
            assertEquals(1, h.numProcessingTimeTimers());
            for (RegistryEntry e : registry) {
                h.processBroadcastElement(e, 0);
            }
            h.setProcessingTime(1_000);
            List<TournamentOutbound> out = h.extractOutputValues();
            children = out.stream()
                    .map(TournamentOutbound::getRegistry)
                    .filter(e -> e != null)
                    .collect(Collectors.toList());
            assertEquals(4, children.size(), "four children published");
            EvolutionEvent founded = events(out).get(0);
            assertEquals(1, founded.getGeneration());
            assertEquals("founded", founded.getTrigger());
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(dir, Set.of("sim"))) {
            h.initializeState(snapshot);
            h.open();
            // restored; the children's descriptors are read back from the registry topic; standings with narrow
            // intervals end generation 1: the best two children breed generation 2
            for (RegistryEntry e : children) {
                h.processBroadcastElement(e, 5);
            }
            List<ModelStanding> models = new ArrayList<>();
            models.add(new ModelStanding("mixnet-v1", 1000.0, 920.0, 1080.0, 100L, 1));
            for (int c = 0; c < 4; c++) {
                double r = 1000 + 20 * c;
                models.add(new ModelStanding("evo-sim-g1-c" + c, r, r - 80, r + 80, 100L, 1));
            }
            h.processElement(new EvolutionInput(new Standings("sim", 5L, 250L, models, List.of()), null), 5);
            EvolutionEvent next = events(h.extractOutputValues()).get(0);
            assertEquals(EvolutionKind.GENERATION, next.getKind());
            assertEquals(2, next.getGeneration());
            assertEquals("intervals", next.getTrigger());
            assertEquals(250, next.getVotesUsed());
            assertEquals("mixnet-v1", next.getMembers().get(0), "the champion survives");
            for (var c : next.getChildren()) {
                assertTrue(Set.of("evo-sim-g1-c3", "evo-sim-g1-c2").containsAll(c.getParents()), c.toString());
            }
        }
    }

    @Test
    void aLeagueThatDoesNotEvolveIsLeftAlone(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        List<RegistryEntry> registry = registry(store);
        try (var h = harness(dir, Set.of("rock"))) {
            h.open();
            for (RegistryEntry e : registry) {
                h.processBroadcastElement(e, 0);
            }
            h.processElement(new EvolutionInput(null, alias(registry)), 0);
            assertTrue(h.extractOutputValues().isEmpty());
            assertEquals(0, h.numProcessingTimeTimers());
            assertEquals(1, store.scan().size(), "nothing bred");
        }
    }
}
