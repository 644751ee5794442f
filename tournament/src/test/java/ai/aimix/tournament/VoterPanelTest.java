package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.StemRole;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VoterPanelTest {
    /** Mix A is 0.3 closer to every taste's reference than mix B. */
    static final VoterPanel.Distances A_CLOSER = (role, db) -> new double[] {1.0, 1.3};

    @Test
    void thePanelHasTheAskedShareOfEachKindOfBadActorAndBalancedTastes() {
        VoterPanel panel = new VoterPanel(60, 0.15, 0.1, 1);
        assertEquals(60, panel.voters().size());
        assertEquals(9, panel.bad().size());
        for (VoterPanel.Kind k :
                List.of(VoterPanel.Kind.ALWAYS_A, VoterPanel.Kind.RANDOM, VoterPanel.Kind.ADVERSARIAL)) {
            assertEquals(3, panel.voters().stream().filter(v -> v.kind() == k).count(), k.toString());
        }
        Set<String> ids = new HashSet<>();
        for (VoterPanel.Voter v : panel.voters()) {
            assertTrue(ids.add(v.id()), "unique ids");
            SimulatedListener l = v.listener();
            assertTrue(
                    l.tasteRole == null
                            ? l.tasteDb == 0
                            : Set.of(StemRole.VOCALS, StemRole.DRUMS, StemRole.BASS)
                                            .contains(l.tasteRole)
                                    && Math.abs(l.tasteDb) == 3f,
                    v.toString());
        }
        List<VoterPanel.Voter> again = new VoterPanel(60, 0.15, 0.1, 1).voters();
        for (int i = 0; i < again.size(); i++) {
            VoterPanel.Voter x = panel.voters().get(i);
            VoterPanel.Voter y = again.get(i);
            assertTrue(
                    x.id().equals(y.id())
                            && x.listener().tasteRole == y.listener().tasteRole
                            && x.listener().tasteDb == y.listener().tasteDb,
                    "a function of the seed");
        }
    }

    @Test
    void eachKindVotesAsItShould() throws Exception {
        VoterPanel panel = new VoterPanel(300, 0.3, 0.1, 2);
        SplittableRandom r = new SplittableRandom(3);
        int[] firstByKind = new int[VoterPanel.Kind.values().length];
        int[] votesByKind = new int[VoterPanel.Kind.values().length];
        long audio = 10_000;
        for (int round = 0; round < 10; round++) {
            for (VoterPanel.Voter v : panel.voters()) {
                SimulatedListener.Judgement j = panel.judge(v, A_CLOSER, audio, r);
                assertTrue(j.listenedMillis() >= audio && j.listenedMillis() <= 2 * audio);
                votesByKind[v.kind().ordinal()]++;
                firstByKind[v.kind().ordinal()] += j.outcome() == PairCounts.Outcome.FIRST ? 1 : 0;
            }
        }
        double[] share = new double[firstByKind.length];
        for (int k = 0; k < share.length; k++) {
            share[k] = firstByKind[k] / (double) votesByKind[k];
        }
        assertEquals(1.0, share[VoterPanel.Kind.ALWAYS_A.ordinal()]);
        assertEquals(0.0, share[VoterPanel.Kind.ADVERSARIAL.ordinal()], "always the worse mix");
        assertEquals(0.5, share[VoterPanel.Kind.RANDOM.ordinal()], 0.1);
        // honest: P(A) = sigmoid(0.3 / 0.1) = 0.95
        assertEquals(0.95, share[VoterPanel.Kind.HONEST.ordinal()], 0.03);
    }

    @Test
    void samplesAreDistinctVotersAndTheScreeningCountsAgainstTheKnownBadActors() {
        VoterPanel panel = new VoterPanel(20, 0.3, 0.1, 4);
        List<VoterPanel.Voter> sample = panel.sample(12, new SplittableRandom(5));
        assertEquals(12, new HashSet<>(sample).size());
        assertEquals(sample, panel.sample(12, new SplittableRandom(5)));
        List<String> bad = List.copyOf(panel.bad());
        String honest = panel.voters().get(0).id();
        VoterPanel.Screening s = panel.screening(Set.of(bad.get(0), bad.get(1), honest));
        assertEquals(2, s.flaggedBad());
        assertEquals(1, s.flaggedHonest());
        assertEquals(2 / 3.0, s.precision(), 1e-12);
        assertEquals(2 / 6.0, s.recall(), 1e-12);
        assertEquals(1.0, panel.screening(Set.of()).precision());
    }
}
