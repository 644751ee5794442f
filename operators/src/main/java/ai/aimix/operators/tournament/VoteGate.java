package ai.aimix.operators.tournament;

import ai.aimix.schema.Battle;
import ai.aimix.schema.TournamentError;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.Vote;
import ai.aimix.schema.internal.CountedVote;
import ai.aimix.schema.internal.TournamentInbound;
import ai.aimix.schema.internal.TournamentOutbound;
import ai.aimix.tournament.VoteChecks;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per battle (keyed by battle id): remembers the battle, checks each vote against it ({@link VoteChecks}), counts a
 * voter's first vote only, and passes counted votes on with the battle's league and models. Refused votes go to
 * {@link #ERRORS}. A battle's state is cleared {@code retentionMillis} after it closes. Battles recently voted on
 * are also held, as read from state, in a small in-memory cache (a vote then costs no state read and decoding of
 * its battle); the cache only ever holds what state holds, and is empty after a restore.
 */
public class VoteGate extends KeyedProcessFunction<String, TournamentInbound, CountedVote> {
    /** Votes that passed the battle's checks (they go on to the rate limit). */
    private transient Counter votesAccepted;
    /** Refused votes and battles by reason. */
    private transient Map<TournamentErrorCode, Counter> refused;

    private static final long serialVersionUID = 1L;
    public static final OutputTag<TournamentOutbound> ERRORS = new OutputTag<>("tournament-errors") {};
    /** Battles held in the read cache per parallel instance (open battles being voted on at once). */
    static final int CACHED_BATTLES = 4096;

    private final VoteChecks.Settings checks;
    private final long retentionMillis;
    private final long unknownBattleWaitMillis;
    private transient ValueState<Battle> battle;
    private transient MapState<String, Boolean> voted;
    private transient ListState<Vote> waiting;
    private transient ValueState<Long> waitUntil;
    private transient Map<String, Battle> cache;

    /**
     * @param unknownBattleWaitMillis how long votes wait for a battle not seen yet (battles and votes travel on
     *                                different topics, so a vote can overtake its battle); then UNKNOWN_BATTLE
     */
    public VoteGate(VoteChecks.Settings checks, long retentionMillis, long unknownBattleWaitMillis) {
        this.checks = checks;
        this.retentionMillis = retentionMillis;
        this.unknownBattleWaitMillis = unknownBattleWaitMillis;
    }

    @Override
    public void open(OpenContext ctx) {
        votesAccepted = getRuntimeContext().getMetricGroup().counter("votesAccepted");
        refused = new EnumMap<>(TournamentErrorCode.class);
        battle = getRuntimeContext().getState(new ValueStateDescriptor<>("battle", Battle.class));
        voted = getRuntimeContext().getMapState(new MapStateDescriptor<>("voted", Types.STRING, Types.BOOLEAN));
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting-votes", Vote.class));
        waitUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("wait-until", Types.LONG));
        cache = new LinkedHashMap<>(CACHED_BATTLES * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Battle> eldest) {
                return size() > CACHED_BATTLES;
            }
        };
    }

    /** The current key's battle: from the cache, else from state. */
    private Battle battle(String id) throws Exception {
        Battle b = cache.get(id);
        if (b == null) {
            b = battle.value();
            if (b != null) {
                cache.put(id, b);
            }
        }
        return b;
    }

    @Override
    public void processElement(TournamentInbound in, Context ctx, Collector<CountedVote> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (in.getBattle() != null) {
            Battle b = in.getBattle();
            Battle known = battle(ctx.getCurrentKey());
            if (known != null) {
                if (!known.equals(b)) {
                    error(
                            ctx,
                            TournamentErrorCode.INVALID_BATTLE,
                            "battle " + b.getBattleId()
                                    + " was already created with other contents; the first one stands",
                            b.getBattleId(),
                            null,
                            now);
                }
                return;
            }
            if (b.getModelA().equals(b.getModelB()) || b.getAudioMillis() <= 0) {
                error(
                        ctx,
                        TournamentErrorCode.INVALID_BATTLE,
                        "battle " + b.getBattleId() + " needs two different models and a positive audio length",
                        b.getBattleId(),
                        null,
                        now);
                return;
            }
            battle.update(b); // cached when first read back: never the input record itself, which may be reused
            long closes = b.getClosesAtMillis() != null
                    ? b.getClosesAtMillis()
                    : b.getCreatedAtMillis() + checks.defaultLifetimeMillis;
            ctx.timerService().registerProcessingTimeTimer(Math.max(now, closes) + retentionMillis);
            Long wait = waitUntil.value();
            if (wait != null) {
                ctx.timerService().deleteProcessingTimeTimer(wait);
                waitUntil.clear();
                for (Vote v : waiting.get()) {
                    vote(b, v, now, ctx, out);
                }
                waiting.clear();
            }
            return;
        }
        Vote v = in.getVote();
        Battle b = battle(ctx.getCurrentKey());
        if (b == null && unknownBattleWaitMillis > 0) {
            waiting.add(v);
            if (waitUntil.value() == null) {
                long at = now + unknownBattleWaitMillis;
                ctx.timerService().registerProcessingTimeTimer(at);
                waitUntil.update(at);
            }
            return;
        }
        vote(b, v, now, ctx, out);
    }

    private void vote(Battle b, Vote v, long now, Context ctx, Collector<CountedVote> out) throws Exception {
        VoteChecks.Problem p = VoteChecks.check(b, v, now, checks);
        if (p != null) {
            error(ctx, p.code(), p.message(), v.getBattleId(), v.getVoterId(), now);
            return;
        }
        if (voted.contains(v.getVoterId())) {
            error(
                    ctx,
                    TournamentErrorCode.DUPLICATE_VOTE,
                    "voter " + v.getVoterId() + " already voted on battle " + v.getBattleId()
                            + "; the first vote counts",
                    v.getBattleId(),
                    v.getVoterId(),
                    now);
            return;
        }
        voted.put(v.getVoterId(), true);
        votesAccepted.inc();
        out.collect(new CountedVote(
                b.getLeague(),
                b.getBattleId(),
                v.getVoterId(),
                b.getModelA(),
                b.getModelB(),
                v.getOutcome(),
                v.getVotedAtMillis(),
                b.getExpectedOutcome()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CountedVote> out) throws Exception {
        Long wait = waitUntil.value();
        if (wait != null && wait == timestamp) {
            // the battle never came: the waiting votes are refused
            for (Vote v : waiting.get()) {
                vote(null, v, timestamp, ctx, out);
            }
            waiting.clear();
            waitUntil.clear();
            return;
        }
        battle.clear();
        cache.remove(ctx.getCurrentKey());
        voted.clear();
    }

    private void error(
            KeyedProcessFunction<String, TournamentInbound, CountedVote>.Context ctx,
            TournamentErrorCode code,
            String message,
            String battleId,
            String voterId,
            long now) {
        refused.computeIfAbsent(code, c -> votesRefused(getRuntimeContext().getMetricGroup(), c))
                .inc();
        ctx.output(ERRORS, Outbound.of(new TournamentError(code, message, battleId, voterId, null, null, null, now)));
    }

    /** The counter of votes (and battles) refused for {@code reason}: metric votesRefused, label reason. */
    static Counter votesRefused(MetricGroup operator, TournamentErrorCode reason) {
        return operator.addGroup("reason", reason.name()).counter("votesRefused");
    }
}
