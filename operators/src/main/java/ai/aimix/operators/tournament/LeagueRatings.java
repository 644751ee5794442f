package ai.aimix.operators.tournament;

import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.Standings;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.internal.CountedVote;
import ai.aimix.schema.internal.LeagueState;
import ai.aimix.schema.internal.PairRecord;
import ai.aimix.schema.internal.TournamentOutbound;
import ai.aimix.schema.internal.VoterRecord;
import ai.aimix.tournament.BradleyTerry;
import ai.aimix.tournament.LeagueTally;
import ai.aimix.tournament.PairCounts;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Per league (keyed by league): folds counted votes into the league's tally (exact pair counts per voter, the voter
 * screen) kept as keyed state, and at most every {@code refreshMillis} fits Bradley-Terry ratings on the votes of
 * unflagged voters and emits the league's standings. Everything is a function of the votes in order, and the state
 * is the whole record: a restore from a checkpoint continues exactly.
 */
public class LeagueRatings extends KeyedProcessFunction<String, CountedVote, TournamentOutbound> {
    private static final long serialVersionUID = 1L;

    private final double alpha;
    private final int minVotes;
    private final long refreshMillis;
    private transient ValueState<LeagueState> state;
    private transient ValueState<Long> pending;

    public LeagueRatings(double alpha, int minVotes, long refreshMillis) {
        this.alpha = alpha;
        this.minVotes = minVotes;
        this.refreshMillis = refreshMillis;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("league", LeagueState.class));
        pending = getRuntimeContext().getState(new ValueStateDescriptor<>("refresh-at", Types.LONG));
    }

    @Override
    public void processElement(CountedVote v, Context ctx, Collector<TournamentOutbound> out) throws Exception {
        LeagueTally tally = tally(state.value());
        tally.fold(v.getVoterId(), v.getModelA(), v.getModelB(), outcome(v.getOutcome()),
                v.getExpectedOutcome() == null ? null : outcome(v.getExpectedOutcome()));
        state.update(toState(tally));
        if (pending.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + refreshMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            pending.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TournamentOutbound> out) throws Exception {
        pending.clear();
        LeagueTally tally = tally(state.value());
        BradleyTerry.Fit fit = BradleyTerry.fit(tally.rated());
        List<ModelStanding> models = new ArrayList<>();
        for (BradleyTerry.Rating r : fit.ratings()) {
            models.add(new ModelStanding(r.model(), r.elo(), 1000 + BradleyTerry.ELO_PER_UNIT * r.lower(),
                    1000 + BradleyTerry.ELO_PER_UNIT * r.upper(), r.votes(), r.rank()));
        }
        out.collect(new TournamentOutbound(new Standings(ctx.getCurrentKey(), timestamp, tally.votes(), models,
                new ArrayList<>(tally.flagged())), null));
    }

    static PairCounts.Outcome outcome(VoteOutcome o) {
        switch (o) {
            case A:
                return PairCounts.Outcome.FIRST;
            case B:
                return PairCounts.Outcome.SECOND;
            case TIE:
                return PairCounts.Outcome.TIE;
            default:
                return PairCounts.Outcome.BOTH_BAD;
        }
    }

    private LeagueTally tally(LeagueState s) {
        return fromState(s, alpha, minVotes);
    }

    /** A tally from its keyed state form (null: a new league). */
    static LeagueTally fromState(LeagueState s, double alpha, int minVotes) {
        if (s == null) {
            return new LeagueTally(alpha, minVotes);
        }
        List<LeagueTally.VoterState> voters = new ArrayList<>();
        for (VoterRecord r : s.getVoters()) {
            PairCounts c = new PairCounts();
            for (PairRecord p : r.getPairs()) {
                c.add(p.getA(), p.getB(), PairCounts.Outcome.FIRST, p.getAWins());
                c.add(p.getA(), p.getB(), PairCounts.Outcome.SECOND, p.getBWins());
                c.add(p.getA(), p.getB(), PairCounts.Outcome.TIE, p.getTies());
                c.add(p.getA(), p.getB(), PairCounts.Outcome.BOTH_BAD, p.getBothBad());
            }
            voters.add(new LeagueTally.VoterState(r.getVoter(), c, r.getFirstChoices(), r.getSideChoices(),
                    r.getFlagged(), r.getChecksPassed(), r.getChecksFailed()));
        }
        return LeagueTally.restore(alpha, minVotes, voters, s.getVotes());
    }

    static LeagueState toState(LeagueTally t) {
        List<VoterRecord> voters = new ArrayList<>();
        for (LeagueTally.VoterState v : t.voters()) {
            List<PairRecord> pairs = new ArrayList<>();
            for (PairCounts.Pair p : v.counts().pairs()) {
                pairs.add(new PairRecord(p.a, p.b, p.aWins, p.bWins, p.ties, p.bothBad));
            }
            voters.add(new VoterRecord(v.voter(), v.firstChoices(), v.sideChoices(), v.flagged(), v.checksPassed(),
                    v.checksFailed(), pairs));
        }
        return new LeagueState(t.votes(), voters);
    }
}
