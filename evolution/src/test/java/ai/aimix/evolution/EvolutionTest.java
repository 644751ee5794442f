package ai.aimix.evolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.genome.Genome;
import ai.aimix.model.genome.MixNet2Genome;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.EvolutionKind;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A league's evolution against a real model store in a temporary folder and a registry view. */
class EvolutionTest {
    static final String LEAGUE = "sim";

    /** A registry with the neutral first version, champion of the "sim" league. */
    static RegistryView registry(ModelStore store) throws Exception {
        RegistryView view = new RegistryView();
        view.applyAll(RegistryChanges.bootstrap(view, store.bootstrap(), 1L));
        view.applyAll(RegistryChanges.promote(view, ModelStore.FIRST_VERSION, LEAGUE, 2L, "test"));
        return view;
    }

    /** A league founded by mixnet-v1 in a fresh store, its children registered. */
    record Founded(RegistryView view, Evolution evolution, Evolution.State state) {
        static Founded in(Path dir) throws Exception {
            ModelStore store = new ModelStore(dir.toString());
            RegistryView view = registry(store);
            Evolution evo = EvolutionTest.evolution(store);
            Evolution.Step founded = evo.found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 10L, view);
            view.applyAll(founded.registry());
            return new Founded(view, evo, founded.state());
        }
    }

    static Evolution evolution(ModelStore store) {
        return new Evolution(
                new Evolution.Settings(),
                new StoredChildren(store),
                (challenger, champion) -> new PromotionGate.Verdict(true, "no gate in this test"));
    }

    static ModelStanding standing(String id, double rating, double halfWidth, long votes) {
        return new ModelStanding(id, rating, rating - halfWidth, rating + halfWidth, votes, 1);
    }

    static Standings standings(long votes, ModelStanding... models) {
        return new Standings(LEAGUE, 0L, votes, new ArrayList<>(List.of(models)), new ArrayList<>());
    }

    @Test
    void foundingBreedsTheChampionsChildrenStoresAndPublishesThemWithLineage(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        RegistryView view = registry(store);
        Evolution.Step step = evolution(store).found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 10L, view);
        assertNotNull(step);
        assertEquals(1, step.state().generation());
        assertEquals(
                List.of("mixnet-v1", "evo-sim-g1-c0", "evo-sim-g1-c1", "evo-sim-g1-c2", "evo-sim-g1-c3"),
                step.state().members());
        assertEquals(4, step.registry().size());
        for (RegistryEntry e : step.registry()) {
            ModelDescriptor d = (ModelDescriptor) e.getPayload();
            assertEquals(ModelStatus.CANDIDATE, d.getStatus());
            assertEquals(List.of("mixnet-v1"), d.getLineage().getParents());
            assertEquals("mutation", d.getLineage().getOperation());
            assertEquals(
                    d.getSha256(), store.stored(d.getModelId()).orElseThrow().getSha256(), "stored before published");
        }
        EvolutionEvent e = step.events().get(0);
        assertEquals(EvolutionKind.GENERATION, e.getKind());
        assertEquals("founded", e.getTrigger());
        assertEquals("mixnet-v1", e.getChampion());
        assertEquals(4, e.getChildren().size());
    }

    /** A league whose champion is the shipped mixnet-2 breeds mixnet-2 children of the same shape, all sane. */
    @Test
    void theShippedMixnet2ChampionFoundsALeagueOfItsOwnArchitecture(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        RegistryView view = new RegistryView();
        view.applyAll(RegistryChanges.bootstrap(view, store.bootstrapShipped(), ModelStore.SHIPPED_CHAMPION, 1L));
        view.applyAll(RegistryChanges.promote(view, ModelStore.SHIPPED_CHAMPION, LEAGUE, 2L, "test"));
        StoredChildren stored = new StoredChildren(store);
        Genome champion = stored.weights(view.model(ModelStore.SHIPPED_CHAMPION).orElseThrow());
        assertTrue(champion instanceof MixNet2Genome, champion.describe());
        for (String shipped : ModelStore.SHIPPED_TRAINED) {
            assertTrue(stored.weights(view.model(shipped).orElseThrow()).sane(), shipped + " is sane");
        }
        Evolution.Step step = evolution(store).found(LEAGUE, ModelStore.SHIPPED_CHAMPION, 2L, 0, 10L, view);
        assertEquals(4, step.registry().size());
        for (RegistryEntry e : step.registry()) {
            ModelDescriptor d = (ModelDescriptor) e.getPayload();
            assertEquals(List.of(ModelStore.SHIPPED_CHAMPION), d.getLineage().getParents());
            assertEquals(ModelFormat.V3.number(), d.getFormatVersion());
            Genome child = stored.weights(store.stored(d.getModelId()).orElseThrow());
            assertTrue(child.sameShape(champion) && child.sane(), d.getModelId());
        }
    }

    @Test
    void aFoundingWaitsForTheChampionsDescriptor(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        assertNull(evolution(store).found(LEAGUE, "not-read-yet", 2L, 0, 10L, new RegistryView()));
    }

    /**
     * A replay (the registry entries of the first attempt were never committed, the files were written) and a second
     * store given the same inputs make the same versions, byte for byte, and no others.
     */
    @Test
    void generationsAreAFunctionOfParentsGenerationAndSeed(@TempDir Path a, @TempDir Path b) throws Exception {
        ModelStore first = new ModelStore(a.toString());
        RegistryView view = registry(first);
        Evolution.Step once = evolution(first).found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 10L, view);
        Evolution.Step replay = evolution(first).found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 99L, view);
        ModelStore other = new ModelStore(b.toString());
        Evolution.Step elsewhere =
                evolution(other).found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 10L, registry(other));
        assertEquals(once.state().members(), replay.state().members());
        for (int i = 0; i < once.registry().size(); i++) {
            ModelDescriptor x = (ModelDescriptor) once.registry().get(i).getPayload();
            ModelDescriptor y = (ModelDescriptor) replay.registry().get(i).getPayload();
            ModelDescriptor z = (ModelDescriptor) elsewhere.registry().get(i).getPayload();
            assertEquals(x.getModelId(), y.getModelId());
            assertEquals(x.getSha256(), y.getSha256());
            assertEquals(x.getSha256(), z.getSha256());
        }
        assertEquals(5, first.scan().size(), "the first version and four children, nothing twice");
        // once the children are registered, a replay publishes nothing again
        view.applyAll(once.registry());
        assertTrue(evolution(first)
                .found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 10L, view)
                .registry()
                .isEmpty());
    }

    @Test
    void aChallengerIsPromotedOnlyWhenItsIntervalLiesAboveTheChampions(@TempDir Path dir) throws Exception {
        Founded f = Founded.in(dir);
        RegistryView view = f.view();
        Evolution evo = f.evolution();
        Evolution.State s = f.state();
        // overlapping intervals: 1100 +- 80 against 1000 +- 80 - no promotion, and still wide: no new generation
        Evolution.Step overlap = evo.onStandings(
                LEAGUE,
                s,
                standings(60, standing("mixnet-v1", 1000, 150, 30), standing("evo-sim-g1-c2", 1100, 150, 30)),
                20L,
                view);
        assertTrue(overlap.registry().isEmpty());
        assertTrue(overlap.events().isEmpty());
        assertEquals("mixnet-v1", overlap.state().champion());
        Evolution.Step early = evo.onStandings(
                LEAGUE,
                s,
                standings(60, standing("mixnet-v1", 900, 100, 30), standing("evo-sim-g1-c2", 1200, 100, 30)),
                25L,
                view);
        assertEquals("mixnet-v1", early.state().champion(), "apart, but on too few votes to trust the intervals");
        Evolution.Step above = evo.onStandings(
                LEAGUE,
                s,
                standings(200, standing("mixnet-v1", 900, 150, 100), standing("evo-sim-g1-c2", 1200, 140, 100)),
                30L,
                view);
        assertEquals("evo-sim-g1-c2", above.state().champion());
        assertEquals("evo-sim-g1-c2", above.state().members().get(0));
        ChampionAlias alias = above.registry().stream()
                .map(RegistryEntry::getPayload)
                .filter(p -> p instanceof ChampionAlias)
                .map(p -> (ChampionAlias) p)
                .findFirst()
                .orElseThrow();
        assertEquals(LEAGUE, alias.getLeague());
        assertEquals(List.of("mixnet-v1"), alias.getPrevious());
        EvolutionEvent e = above.events().get(0);
        assertEquals(EvolutionKind.PROMOTION, e.getKind());
        assertEquals("mixnet-v1", e.getPreviousChampion());
    }

    /**
     * Votes put a challenger above the champion, but the quality gate finds it worse: no promotion, a REFUSED event
     * with the gate's words, and the challenger leaves the generation (not proposed again, not bred from). A gate that
     * cannot judge (it throws) changes nothing: the next standings try again.
     */
    @Test
    void aChallengerTheQualityGateRefusesIsNotPromotedAndLeavesTheGeneration(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        RegistryView view = registry(store);
        List<String> judged = new ArrayList<>();
        boolean[] broken = {true};
        Evolution evo = new Evolution(new Evolution.Settings(), new StoredChildren(store), (challenger, champion) -> {
            judged.add(challenger.getModelId() + " vs " + champion.getModelId());
            if (broken[0]) {
                throw new IOException("benchmark songs not rendered yet");
            }
            return new PromotionGate.Verdict(false, "mix distance 0.9 vs the champion's 0.4");
        });
        Evolution.Step founded = evo.found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 10L, view);
        view.applyAll(founded.registry());
        Standings votes =
                standings(200, standing("mixnet-v1", 900, 150, 100), standing("evo-sim-g1-c2", 1200, 140, 100));
        Evolution.Step unjudged = evo.onStandings(LEAGUE, founded.state(), votes, 30L, view);
        assertEquals(List.of("evo-sim-g1-c2 vs mixnet-v1"), judged);
        assertEquals(founded.state(), unjudged.state(), "a gate that cannot judge changes nothing");
        assertTrue(unjudged.registry().isEmpty());
        assertTrue(unjudged.events().isEmpty());

        broken[0] = false;
        Evolution.Step refused = evo.onStandings(LEAGUE, founded.state(), votes, 31L, view);
        assertEquals("mixnet-v1", refused.state().champion());
        assertTrue(refused.registry().isEmpty(), "no alias change");
        assertFalse(
                refused.state().members().contains("evo-sim-g1-c2"),
                String.valueOf(refused.state().members()));
        assertEquals(4, refused.state().members().size());
        EvolutionEvent e = refused.events().get(0);
        assertEquals(EvolutionKind.REFUSED, e.getKind());
        assertEquals("evo-sim-g1-c2", e.getChallenger());
        assertEquals("mix distance 0.9 vs the champion's 0.4", e.getReason());
        assertEquals("quality-gate", e.getTrigger());
        assertEquals("mixnet-v1", e.getChampion());

        judged.clear();
        Evolution.Step after = evo.onStandings(LEAGUE, refused.state(), votes, 32L, view);
        assertTrue(judged.isEmpty(), "the refused challenger is not proposed again: " + judged);
        assertTrue(after.events().isEmpty());
    }

    /** A challenger that passes the gate is promoted, and the promotion says what the gate measured. */
    @Test
    void aPromotionCarriesTheQualityGatesVerdict(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString());
        RegistryView view = registry(store);
        Evolution evo = new Evolution(
                new Evolution.Settings(),
                new StoredChildren(store),
                (challenger, champion) -> new PromotionGate.Verdict(true, "mix distance 0.38 vs 0.40"));
        Evolution.Step founded = evo.found(LEAGUE, ModelStore.FIRST_VERSION, 2L, 0, 10L, view);
        view.applyAll(founded.registry());
        Evolution.Step above = evo.onStandings(
                LEAGUE,
                founded.state(),
                standings(200, standing("mixnet-v1", 900, 150, 100), standing("evo-sim-g1-c1", 1200, 140, 100)),
                30L,
                view);
        assertEquals("evo-sim-g1-c1", above.state().champion());
        EvolutionEvent e = above.events().get(0);
        assertEquals(EvolutionKind.PROMOTION, e.getKind());
        assertEquals("evo-sim-g1-c1", e.getChallenger());
        assertEquals("mix distance 0.38 vs 0.40", e.getReason());
        ChampionAlias alias = above.registry().stream()
                .map(RegistryEntry::getPayload)
                .filter(p -> p instanceof ChampionAlias)
                .map(p -> (ChampionAlias) p)
                .findFirst()
                .orElseThrow();
        assertTrue(alias.getReason().contains("quality gate: mix distance 0.38 vs 0.40"), alias.getReason());
    }

    @Test
    void aGenerationEndsWhenEveryIntervalIsNarrowOrTheBudgetIsSpent(@TempDir Path dir) throws Exception {
        Founded f = Founded.in(dir);
        RegistryView view = f.view();
        Evolution evo = f.evolution();
        Evolution.State s = f.state();
        // one member still wide, budget not spent: nothing
        ModelStanding[] wide = {
            standing("mixnet-v1", 1000, 90, 80),
            standing("evo-sim-g1-c0", 1060, 90, 80),
            standing("evo-sim-g1-c1", 980, 90, 80),
            standing("evo-sim-g1-c2", 1040, 90, 80),
            standing("evo-sim-g1-c3", 920, 150, 20)
        };
        assertTrue(evo.onStandings(LEAGUE, s, standings(340, wide), 20L, view)
                .events()
                .isEmpty());
        // the same with the budget spent
        Evolution.Step budget = evo.onStandings(LEAGUE, s, standings(1000, wide), 30L, view);
        assertEquals("budget", budget.events().get(0).getTrigger());
        // every interval narrow: the best two (c0 and c2) breed; the champion survives; 2 of 4 children beat mixnet-v1
        wide[4] = standing("evo-sim-g1-c3", 920, 90, 80);
        Evolution.Step next = evo.onStandings(LEAGUE, s, standings(400, wide), 40L, view);
        EvolutionEvent e = next.events().get(0);
        assertEquals("intervals", e.getTrigger());
        assertEquals(2, e.getGeneration());
        assertEquals(400, e.getVotesUsed());
        assertEquals("evo-sim-g1-c0", e.getRanked().get(0).getModelId());
        assertEquals(0.5, e.getSuccessRate(), 1e-12);
        assertEquals(Breeder.adaptSigma(new Evolution.Settings().breeder.sigma, 0.5), e.getSigma(), 1e-12);
        assertEquals("mixnet-v1", next.state().members().get(0));
        assertEquals(5, next.state().members().size());
        for (RegistryEntry r : next.registry()) {
            List<String> parents =
                    ((ModelDescriptor) r.getPayload()).getLineage().getParents();
            assertTrue(List.of("evo-sim-g1-c0", "evo-sim-g1-c2").containsAll(parents), parents.toString());
        }
        assertEquals(400, next.state().votesAtStart());
    }

    @Test
    void anOperatorsChampionChangeIsFollowedAndAStaleOneIgnored(@TempDir Path dir) throws Exception {
        Founded f = Founded.in(dir);
        Evolution evo = f.evolution();
        Evolution.State s = f.state();
        assertEquals(s, evo.adopt(s, "evo-sim-g1-c1", 1L), "older than the champion the league has");
        Evolution.State t = evo.adopt(s, "evo-sim-g1-c1", 50L);
        assertEquals("evo-sim-g1-c1", t.champion());
        assertEquals(
                List.of("evo-sim-g1-c1", "mixnet-v1", "evo-sim-g1-c0", "evo-sim-g1-c2", "evo-sim-g1-c3"),
                t.members(),
                "the new champion first; the former one stays a member");
    }
}
