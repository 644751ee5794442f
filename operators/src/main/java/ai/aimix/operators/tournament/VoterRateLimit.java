package ai.aimix.operators.tournament;

import ai.aimix.schema.TournamentError;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.internal.CountedVote;
import ai.aimix.schema.internal.TournamentOutbound;
import ai.aimix.tournament.RateLimiter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per voter (keyed by voter id): a token bucket ({@link RateLimiter}); votes over the limit go to
 * {@link VoteGate#ERRORS} as RATE_LIMITED. The bucket's state is cleared once it would be full again.
 */
public class VoterRateLimit extends KeyedProcessFunction<String, CountedVote, CountedVote> {
    private static final long serialVersionUID = 1L;

    private final int burst;
    private final double perMinute;
    private transient RateLimiter limiter;
    private transient ValueState<Double> tokens;
    private transient ValueState<Long> at;

    public VoterRateLimit(int burst, double perMinute) {
        this.burst = burst;
        this.perMinute = perMinute;
    }

    @Override
    public void open(OpenContext ctx) {
        limiter = new RateLimiter(burst, perMinute);
        tokens = getRuntimeContext().getState(new ValueStateDescriptor<>("tokens", Types.DOUBLE));
        at = getRuntimeContext().getState(new ValueStateDescriptor<>("at", Types.LONG));
    }

    @Override
    public void processElement(CountedVote v, Context ctx, Collector<CountedVote> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        RateLimiter.Bucket b = tokens.value() == null ? limiter.fresh(now) : new RateLimiter.Bucket(tokens.value(),
                at.value());
        RateLimiter.Bucket next = limiter.take(b, now);
        if (next == null) {
            ctx.output(VoteGate.ERRORS, Outbound.of(new TournamentError(TournamentErrorCode.RATE_LIMITED,
                    "voter " + v.getVoterId() + " is over " + burst + " votes at once / " + perMinute
                            + " a minute; vote on battle " + v.getBattleId() + " not counted", v.getBattleId(),
                    v.getVoterId(), null, null, null, now)));
            return;
        }
        if (tokens.value() != null) {
            ctx.timerService().deleteProcessingTimeTimer(fullAt(b)); // one cleanup timer per voter, not per vote
        }
        tokens.update(next.tokens());
        at.update(next.atMillis());
        ctx.timerService().registerProcessingTimeTimer(fullAt(next));
        out.collect(v);
    }

    /** When the bucket is full again (and its state can go). */
    private long fullAt(RateLimiter.Bucket b) {
        return b.atMillis() + (long) Math.ceil((burst - b.tokens()) * 60_000.0 / perMinute);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CountedVote> out) {
        // the only timer is the current bucket's full time: a fresh bucket is the same as none
        tokens.clear();
        at.clear();
    }
}
