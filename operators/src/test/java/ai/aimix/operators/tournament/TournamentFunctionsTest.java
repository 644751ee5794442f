package ai.aimix.operators.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.Battle;
import ai.aimix.schema.Standings;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.internal.CountedVote;
import ai.aimix.schema.internal.TournamentInbound;
import ai.aimix.schema.internal.TournamentOutbound;
import ai.aimix.tournament.VoteChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The tournament job's functions on Flink's harness: what they emit, and that their state and timers go away. */
class TournamentFunctionsTest {
    static Battle battle(String id, long closes) {
        return new Battle(id, "main", "song", "mix-" + id, "m1", "m2", 10_000L, 0L, closes, List.of(), null, null);
    }

    static TournamentInbound in(Battle b) {
        return new TournamentInbound(b, null, null, null);
    }

    static TournamentInbound in(String battle, String voter, VoteOutcome o, long listened) {
        return new TournamentInbound(null, new Vote(battle, voter, o, listened, 1L, null), null, null);
    }

    @Test
    void voteGateCountsFirstVotesAndRefusesTheRest() throws Exception {
        VoteGate gate = new VoteGate(new VoteChecks.Settings(), 1_000, 2_000);
        try (KeyedOneInputStreamOperatorTestHarness<String, TournamentInbound, CountedVote> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(gate),
                        r -> r.getBattle() != null
                                ? r.getBattle().getBattleId()
                                : r.getVote().getBattleId(),
                        Types.STRING)) {
            h.open();
            h.setProcessingTime(100);
            h.processElement(new StreamRecord<>(in("b0", "v1", VoteOutcome.A, 9_000))); // battle never comes
            h.processElement(new StreamRecord<>(in("b1", "v0", VoteOutcome.B, 9_000))); // overtakes its battle
            h.processElement(new StreamRecord<>(in(battle("b1", 50_000))));
            h.setProcessingTime(2_100); // b0's vote waited 2 s in vain
            h.processElement(new StreamRecord<>(in("b1", "v1", VoteOutcome.A, 9_000)));
            h.processElement(new StreamRecord<>(in("b1", "v1", VoteOutcome.B, 9_000))); // second vote
            h.processElement(new StreamRecord<>(in("b1", "v2", VoteOutcome.TIE, 2_000))); // too fast
            h.processElement(new StreamRecord<>(in("b1", "v3", VoteOutcome.B, 5_000)));
            h.setProcessingTime(50_500);
            h.processElement(new StreamRecord<>(in("b1", "v4", VoteOutcome.B, 9_000))); // closed (still remembered)
            List<CountedVote> counted = new ArrayList<>();
            h.extractOutputValues().forEach(counted::add);
            assertEquals(
                    List.of("v0", "v1", "v3"),
                    counted.stream().map(CountedVote::getVoterId).collect(Collectors.toList()));
            assertEquals(VoteOutcome.A, counted.get(1).getOutcome());
            List<TournamentErrorCode> codes = new ArrayList<>();
            for (StreamRecord<TournamentOutbound> e : h.getSideOutput(VoteGate.ERRORS)) {
                codes.add(e.getValue().getError().getCode());
            }
            assertEquals(
                    List.of(
                            TournamentErrorCode.UNKNOWN_BATTLE,
                            TournamentErrorCode.DUPLICATE_VOTE,
                            TournamentErrorCode.TOO_FAST,
                            TournamentErrorCode.CLOSED_BATTLE),
                    codes);
            h.setProcessingTime(51_000);
            assertEquals(0, h.numKeyedStateEntries(), "battle state cleared after it closed");
            assertEquals(0, h.numProcessingTimeTimers());
        }
    }

    @Test
    void leagueRatingsEmitStandingsOnTheRefreshTimer() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CountedVote, TournamentOutbound> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new LeagueRatingsOperator(0.01, 20, 1_000), CountedVote::getLeague, Types.STRING)) {
            h.open();
            h.setProcessingTime(0);
            for (int i = 0; i < 30; i++) {
                VoteOutcome o = i % 3 == 0 ? VoteOutcome.B : VoteOutcome.A; // m1 wins 2 of 3
                h.processElement(
                        new StreamRecord<>(new CountedVote("main", "b" + i, "v" + i, "m1", "m2", o, 0L, null)));
            }
            assertEquals(1, h.numProcessingTimeTimers(), "one refresh pending, not one per vote");
            assertTrue(h.extractOutputValues().isEmpty());
            h.setProcessingTime(1_000);
            Standings s = h.extractOutputValues().get(0).getStandings();
            assertEquals("main", s.getLeague());
            assertEquals(30, s.getVotes());
            assertEquals("m1", s.getModels().get(0).getModelId());
            double diff =
                    s.getModels().get(0).getRating() - s.getModels().get(1).getRating();
            assertEquals(400 * Math.log10(2), diff, 3, "20 : 10 is odds 2, about 120 Elo points");
            assertTrue(s.getModels().get(0).getLower() < s.getModels().get(0).getRating());
            assertEquals(0, h.numProcessingTimeTimers());
        }
    }

    /** The in-memory league ratings operator: same standings, state saved before a barrier and restored exactly. */
    @Test
    void leagueRatingsOperatorKeepsItsTallyAcrossASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        Standings before;
        try (KeyedOneInputStreamOperatorTestHarness<String, CountedVote, TournamentOutbound> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new LeagueRatingsOperator(0.01, 20, 1_000), CountedVote::getLeague, Types.STRING)) {
            h.open();
            h.setProcessingTime(0);
            for (int i = 0; i < 30; i++) {
                VoteOutcome o = i % 3 == 0 ? VoteOutcome.B : VoteOutcome.A;
                h.processElement(
                        new StreamRecord<>(new CountedVote("main", "b" + i, "v" + i, "m1", "m2", o, 0L, null)));
            }
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            h.setProcessingTime(1_000);
            before = h.extractOutputValues().get(0).getStandings();
            assertEquals(30, before.getVotes());
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, CountedVote, TournamentOutbound> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new LeagueRatingsOperator(0.01, 20, 1_000), CountedVote::getLeague, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(1_000); // the restored refresh timer fires
            Standings after = h.extractOutputValues().get(0).getStandings();
            assertEquals(before.getVotes(), after.getVotes());
            assertEquals(before.getModels(), after.getModels());
        }
    }

    @Test
    void rateLimitRefusesOverTheLimitAndForgetsFullBuckets() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CountedVote, CountedVote> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new VoterRateLimit(2, 6)), CountedVote::getVoterId, Types.STRING)) {
            h.open();
            h.setProcessingTime(0);
            for (int i = 0; i < 3; i++) {
                h.processElement(
                        new StreamRecord<>(new CountedVote("main", "b" + i, "v", "m1", "m2", VoteOutcome.A, 0L, null)));
            }
            assertEquals(2, h.extractOutputValues().size());
            assertEquals(
                    TournamentErrorCode.RATE_LIMITED,
                    h.getSideOutput(VoteGate.ERRORS)
                            .poll()
                            .getValue()
                            .getError()
                            .getCode());
            assertEquals(1, h.numProcessingTimeTimers(), "one timer per voter, not per vote");
            h.setProcessingTime(10_000); // the timer set with the first vote: one token back, not full yet
            assertEquals(1, h.numKeyedStateEntries());
            assertEquals(1, h.numProcessingTimeTimers(), "moved on to when the bucket is full");
            h.setProcessingTime(20_000); // two tokens at one per 10 s: full again
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());
        }
    }
}
