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
            ctx.output(VoteGate.ERRORS, new TournamentOutbound(null, new TournamentError(TournamentErrorCode.RATE_LIMITED,
                    "voter " + v.getVoterId() + " is over " + burst + " votes at once / " + perMinute
                            + " a minute; vote on battle " + v.getBattleId() + " not counted", v.getBattleId(),
                    v.getVoterId(), null, null, null, now)));
            return;
        }
        tokens.update(next.tokens());
        at.update(next.atMillis());
        long full = now + (long) Math.ceil((burst - next.tokens()) * 60_000.0 / perMinute);
        ctx.timerService().registerProcessingTimeTimer(full);
        out.collect(v);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CountedVote> out) throws Exception {
        if (at.value() != null) {
            double refilled = tokens.value() + (timestamp - at.value()) * perMinute / 60_000.0;
            if (refilled >= burst) {
                tokens.clear();
                at.clear();
            }
        }
    }
}
