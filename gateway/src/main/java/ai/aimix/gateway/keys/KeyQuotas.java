package ai.aimix.gateway.keys;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * The per-key limits on creating mixes: at most {@link KeyLimits#mixesPerHour()} in any hour (a sliding window of
 * creation times) and at most {@link KeyLimits#concurrentMixes()} running at once. A refusal is a 429 problem whose
 * detail says which limit, and when to come back for the hourly one.
 */
public final class KeyQuotas {
    static final Duration WINDOW = Duration.ofHours(1);

    private final Clock clock;
    private final Map<String, Deque<Long>> created = new ConcurrentHashMap<>();

    public KeyQuotas(Clock clock) {
        this.clock = clock;
    }

    /**
     * Admits one more mix for {@code key}, or throws {@link ApiError#QUOTA_EXCEEDED}.
     *
     * @param running how many of the key's mixes run now
     */
    public void admit(ApiKey key, ToIntFunction<String> running) {
        int now = running.applyAsInt(key.id());
        if (now >= key.limits().concurrentMixes()) {
            throw new ApiException(
                    ApiError.QUOTA_EXCEEDED,
                    "key " + key.id() + " has " + now + " mixes running; its limit is "
                            + key.limits().concurrentMixes() + " at once");
        }
        Deque<Long> times = created.computeIfAbsent(key.id(), k -> new ArrayDeque<>());
        synchronized (times) {
            long t = clock.millis();
            while (!times.isEmpty() && times.peekFirst() <= t - WINDOW.toMillis()) {
                times.removeFirst();
            }
            if (times.size() >= key.limits().mixesPerHour()) {
                long retry = (times.peekFirst() + WINDOW.toMillis() - t + 999) / 1000;
                throw new ApiException(
                        ApiError.QUOTA_EXCEEDED,
                        "key " + key.id() + " created " + times.size() + " mixes in the last hour; its limit is "
                                + key.limits().mixesPerHour() + " (room again in " + retry + " s)");
            }
            times.addLast(t);
        }
    }
}
