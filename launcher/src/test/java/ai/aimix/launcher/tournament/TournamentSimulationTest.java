package ai.aimix.launcher.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.embedded.FlinkConfigs;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelStatus;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop of {@code ./aimix tournament simulate} at a small scale, on the embedded stack: the league's
 * founding champion breeds, the mix job mixes every battle with the two named versions (children included, read
 * from the registry the tournament job published them on; the simulation fails if a variant is mixed by another
 * model), the panel's votes are counted exactly, and the children are in the store and the registry with their
 * lineage.
 */
class TournamentSimulationTest {
    @Test
    void theLoopRunsEndToEndAndCountsEveryVoteOnce(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TournamentSimulation.Settings s = new TournamentSimulation.Settings();
        s.generations = 2;
        s.voters = 12;
        s.badShare = 0.25;
        s.songs = 2;
        s.benchSongs = 1;
        s.votesPerBattle = 12;
        s.voteBudget = 48;
        s.parallelBattles = 1;
        try (EmbeddedStack stack = EmbeddedStack.start(
                FlinkConfigs.load(
                        Path.of("..", "flink-conf", "embedded"),
                        "embedded",
                        Map.of(RestOptions.PORT.key(), String.valueOf(port))),
                data,
                0)) {
            List<String> log = new ArrayList<>();
            TournamentSimulation.Summary summary = new TournamentSimulation(stack, s).run(g -> {}, log::add);
            assertEquals(2, summary.generations().size(), String.join("\n", log));
            assertEquals(summary.votesSent(), summary.votesCounted(), "every vote counted once");
            assertTrue(summary.votesSent() >= 2 * 48, summary.votesSent() + " votes");
            assertEquals(0, summary.failedBattles());
            assertEquals(
                    List.of(1, 2),
                    summary.generations().stream()
                            .map(TournamentSimulation.Generation::generation)
                            .toList());
            for (TournamentSimulation.Generation g : summary.generations()) {
                assertTrue(g.votesUsed() >= 48 && g.battles() > 0, g.toString());
                assertTrue(Double.isFinite(g.benchmarkDistance()), g.toString());
            }
            assertEquals(ModelStore.SHIPPED_CHAMPION, summary.start());
            RegistryView view = EmbeddedStack.admin(stack.config()).view();
            ModelStore store = new ModelStore(stack.config().get(ModelStoreOptions.MODEL_STORE));
            for (int generation = 1; generation <= 3; generation++) {
                for (int c = 0; c < 4; c++) {
                    String id = "evo-sim-g" + generation + "-c" + c;
                    ModelDescriptor d = view.model(id).orElseThrow(() -> new AssertionError(id + " not registered"));
                    assertTrue(d.getStatus() != ModelStatus.RETIRED);
                    assertEquals(
                            d.getSha256(), store.stored(id).orElseThrow().getSha256(), id + " stored as published");
                    if (generation == 1) {
                        assertEquals(
                                List.of(ModelStore.SHIPPED_CHAMPION),
                                d.getLineage().getParents());
                    } else {
                        assertTrue(
                                d.getLineage().getParents().stream()
                                        .allMatch(p ->
                                                p.startsWith("evo-sim-g") || p.equals(ModelStore.SHIPPED_CHAMPION)),
                                d.getLineage().toString());
                    }
                }
            }
            assertTrue(view.champion("sim").isPresent());
        }
    }
}
