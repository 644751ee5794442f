package ai.aimix.gateway.webhooks;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again: exponential backoff from {@code first}, doubling, capped at {@code max}, each
 * delay spread by ±{@code jitter} (so many receivers that failed together are not hit together again), until
 * {@code giveUpAfter} has passed since the first attempt.
 */
public record RetrySchedule(Duration first, Duration max, double jitter, Duration giveUpAfter) {
    /** 5 s, 10 s, 20 s, ... up to 10 min between attempts, ±20 %, for an hour and a bit: about 11 attempts. */
    public static final RetrySchedule DEFAULT =
            new RetrySchedule(Duration.ofSeconds(5), Duration.ofMinutes(10), 0.2, Duration.ofMinutes(70));

    /**
     * The delay before attempt {@code attempt + 1} after {@code attempt} failed ones (1 = the first failed), or null
     * when the delivery gives up: the next attempt would come after {@code giveUpAfter} since the first.
     */
    public Duration next(int attempt, Duration sinceFirst, RandomGenerator random) {
        double base = Math.min(max.toMillis(), first.toMillis() * Math.pow(2, attempt - 1));
        long delay = Math.round(base * (1 + jitter * (2 * random.nextDouble() - 1)));
        if (sinceFirst.toMillis() + delay > giveUpAfter.toMillis()) {
            return null;
        }
        return Duration.ofMillis(delay);
    }
}
