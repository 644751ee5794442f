package ai.aimix.tournament;

/**
 * A voter's rate limit as a token bucket that fits in two numbers of keyed state: up to {@code burst} votes at
 * once, refilled at {@code perMinute} votes a minute. Time is the caller's (the job's processing time), so the
 * limiter is deterministic and testable.
 */
public final class RateLimiter {
    private final double burst;
    private final double perMilli;

    public RateLimiter(int burst, double perMinute) {
        if (burst < 1 || !(perMinute > 0)) {
            throw new IllegalArgumentException("burst >= 1 and a positive rate");
        }
        this.burst = burst;
        this.perMilli = perMinute / 60_000.0;
    }

    /** A voter's bucket: tokens left and when they were counted. */
    public record Bucket(double tokens, long atMillis) {}

    public Bucket fresh(long now) {
        return new Bucket(burst, now);
    }

    /** The bucket after a vote at {@code now}, or null when the vote is over the limit (the bucket is unchanged). */
    public Bucket take(Bucket b, long now) {
        double tokens = Math.min(burst, b.tokens() + Math.max(0, now - b.atMillis()) * perMilli);
        if (tokens < 1) {
            return null;
        }
        return new Bucket(tokens - 1, now);
    }
}
