package ai.aimix.operators.tournament;

import ai.aimix.schema.TournamentError;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.internal.CountedVote;
import ai.aimix.tournament.RateLimiter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per voter (keyed by voter id): a token bucket ({@link RateLimiter}); votes over the limit go to
 * {@link VoteGate#ERRORS} as RATE_LIMITED. The bucket's state is cleared once it would be full again: one cleanup
 * timer per voter at a time, registered with the bucket and moved on when it fires early (a vote costs one state
 * read and one write, not a timer deletion and registration).
 */
public class VoterRateLimit extends KeyedProcessFunction<String, CountedVote, CountedVote> {
    /** Votes refused as RATE_LIMITED (votesRefused, label reason, as the vote gate's). */
    private transient Counter rateLimited;

    private static final long serialVersionUID = 1L;
    /** Layout of the per-voter state: tokens left, when they were counted, when the cleanup timer fires. */
    private static final int TOKENS = 0;

    private static final int AT = 1;
    private static final int TIMER = 2;

    private final int burst;
    private final double perMinute;
    private transient RateLimiter limiter;
    private transient ValueState<double[]> bucket;

    public VoterRateLimit(int burst, double perMinute) {
        this.burst = burst;
        this.perMinute = perMinute;
    }

    @Override
    public void open(OpenContext ctx) {
        rateLimited = VoteGate.votesRefused(getRuntimeContext().getMetricGroup(), TournamentErrorCode.RATE_LIMITED);
        limiter = new RateLimiter(burst, perMinute);
        bucket = getRuntimeContext()
                .getState(
                        new ValueStateDescriptor<>("bucket", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(CountedVote v, Context ctx, Collector<CountedVote> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        double[] s = bucket.value();
        RateLimiter.Bucket b = s == null ? limiter.fresh(now) : new RateLimiter.Bucket(s[TOKENS], (long) s[AT]);
        RateLimiter.Bucket next = limiter.take(b, now);
        if (next == null) {
            rateLimited.inc();
            ctx.output(
                    VoteGate.ERRORS,
                    Outbound.of(new TournamentError(
                            TournamentErrorCode.RATE_LIMITED,
                            "voter " + v.getVoterId() + " is over " + burst + " votes at once / " + perMinute
                                    + " a minute; vote on battle " + v.getBattleId() + " not counted",
                            v.getBattleId(),
                            v.getVoterId(),
                            null,
                            null,
                            null,
                            now)));
            return;
        }
        long timer;
        if (s == null) {
            timer = fullAt(next);
            ctx.timerService().registerProcessingTimeTimer(timer);
        } else {
            timer = (long) s[TIMER];
        }
        bucket.update(new double[] {next.tokens(), next.atMillis(), timer});
        out.collect(v);
    }

    /** When the bucket is full again (and its state can go). */
    private long fullAt(RateLimiter.Bucket b) {
        return b.atMillis() + (long) Math.ceil((burst - b.tokens()) * 60_000.0 / perMinute);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CountedVote> out) throws Exception {
        double[] s = bucket.value();
        if (s == null) {
            return;
        }
        long full = fullAt(new RateLimiter.Bucket(s[TOKENS], (long) s[AT]));
        if (full <= timestamp) {
            bucket.clear(); // a full bucket is the same as none
            return;
        }
        // votes since the timer was set took tokens: the bucket fills later
        ctx.timerService().registerProcessingTimeTimer(full);
        bucket.update(new double[] {s[TOKENS], s[AT], full});
    }
}
