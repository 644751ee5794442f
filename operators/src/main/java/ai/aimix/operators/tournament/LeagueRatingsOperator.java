package ai.aimix.operators.tournament;

import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.Standings;
import ai.aimix.schema.internal.CountedVote;
import ai.aimix.schema.internal.LeagueState;
import ai.aimix.schema.internal.TournamentOutbound;
import ai.aimix.tournament.BradleyTerry;
import ai.aimix.tournament.LeagueTally;
import ai.aimix.tournament.VoteOutcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Per league (keyed by league), each league's tally lives in memory while
 * votes fold into it, and is written to keyed state only for the leagues that changed, just before each checkpoint
 * barrier ({@link #prepareSnapshotPreBarrier}): nothing unsaved crosses a barrier, and a vote costs a fold, not a
 * read and write of the whole league. After a restore the tally is read back from state at the league's first
 * vote or refresh. Standings are refitted at most every {@code refreshMillis} while votes arrive.
 */
public class LeagueRatingsOperator extends AbstractStreamOperator<TournamentOutbound>
        implements OneInputStreamOperator<CountedVote, TournamentOutbound>, Triggerable<String, VoidNamespace> {
    /** Votes folded into the leagues' counts, attention checks included. */
    private transient Counter votesCounted;
    /** From the first vote after a league's last standings to its next standings (ms). */
    private transient Histogram standingsRefresh;
    /** When this subtask last published standings (processing time; 0: never). */
    private transient volatile long lastStandingsMillis;

    private transient Map<String, Long> pendingSince;
    /**
     * Voters the screen flags, per league and in all (as of each league's last standings): kept on the task thread,
     * so the reporter's thread reads a number, never the tallies.
     */
    private transient Map<String, Integer> flaggedByLeague;

    private transient volatile int flaggedVoters;

    private static final long serialVersionUID = 1L;

    private final double alpha;
    private final int minVotes;
    private final long refreshMillis;
    private transient Map<String, LeagueTally> tallies;
    private transient Set<String> dirty;
    private transient Set<String> pending;
    private transient ValueState<LeagueState> state;
    private transient InternalTimerService<VoidNamespace> timers;

    public LeagueRatingsOperator(double alpha, int minVotes, long refreshMillis) {
        this.alpha = alpha;
        this.minVotes = minVotes;
        this.refreshMillis = refreshMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        tallies = new HashMap<>();
        dirty = new LinkedHashSet<>();
        pending = new LinkedHashSet<>();
        state = getPartitionedState(
                VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("league", LeagueState.class));
        timers = getInternalTimerService("league-refresh", VoidNamespaceSerializer.INSTANCE, this);
        pendingSince = new HashMap<>();
        flaggedByLeague = new HashMap<>();
        MetricGroup metrics = getMetricGroup();
        votesCounted = metrics.counter("votesCounted");
        metrics.gauge("flaggedVoters", (Gauge<Integer>) () -> flaggedVoters);
        metrics.gauge("lastStandingsMillis", (Gauge<Long>) () -> lastStandingsMillis);
        standingsRefresh = metrics.histogram("standingsRefreshMillis", new DescriptiveStatisticsHistogram(1000));
    }

    @SuppressWarnings("unchecked")
    private String league() {
        return (String) getCurrentKey();
    }

    private LeagueTally tally(String league) throws Exception {
        LeagueTally t = tallies.get(league);
        if (t == null) {
            t = LeagueStates.fromState(state.value(), alpha, minVotes);
            tallies.put(league, t);
        }
        return t;
    }

    @Override
    public void processElement(StreamRecord<CountedVote> element) throws Exception {
        CountedVote v = element.getValue();
        String league = league();
        tally(league)
                .fold(
                        v.getVoterId(),
                        v.getModelA(),
                        v.getModelB(),
                        VoteOutcomes.tally(v.getOutcome()),
                        v.getExpectedOutcome() == null ? null : VoteOutcomes.tally(v.getExpectedOutcome()));
        votesCounted.inc();
        dirty.add(league);
        if (pending.add(league)) {
            pendingSince.put(league, getProcessingTimeService().getCurrentProcessingTime());
            timers.registerProcessingTimeTimer(
                    VoidNamespace.INSTANCE, getProcessingTimeService().getCurrentProcessingTime() + refreshMillis);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String league = timer.getKey();
        pending.remove(league);
        LeagueTally t = tally(league);
        BradleyTerry.Fit fit = BradleyTerry.fit(t.rated());
        List<ModelStanding> models = new ArrayList<>();
        for (BradleyTerry.Rating r : fit.ratings()) {
            models.add(new ModelStanding(r.model(), r.elo(), r.eloLower(), r.eloUpper(), r.votes(), r.rank()));
        }
        output.collect(new StreamRecord<>(Outbound.of(
                new Standings(league, timer.getTimestamp(), t.votes(), models, new ArrayList<>(t.flagged())))));
        long now = getProcessingTimeService().getCurrentProcessingTime();
        Long since = pendingSince.remove(league); // absent after a restore: the vote arrived before it
        if (since != null) {
            standingsRefresh.update(now - since);
        }
        Integer before = flaggedByLeague.put(league, t.flagged().size());
        flaggedVoters += t.flagged().size() - (before == null ? 0 : before); // one writer: this thread
        lastStandingsMillis = now;
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        for (String league : dirty) {
            setCurrentKey(league);
            state.update(LeagueStates.toState(tallies.get(league)));
        }
        dirty.clear();
    }

    @Override
    public void finish() throws Exception {
        prepareSnapshotPreBarrier(-1);
        super.finish();
    }
}
