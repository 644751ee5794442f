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
 * creation times) and at most {@link KeyLimits#concurrentMixes()} running at once; and on renders, at most {@link
 * KeyLimits#rendersPerHour()} in any hour. A refusal is a 429 problem whose
 * detail says which limit, and when to come back for the hourly one.
 */
public final class KeyQuotas {
    static final Duration WINDOW = Duration.ofHours(1);

    private final Clock clock;
    private final Map<String, Deque<Long>> created = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> rendered = new ConcurrentHashMap<>();

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
        take(created, key, key.limits().mixesPerHour(), "created", "mixes");
    }

    /** Admits one more render for {@code key} (at most {@link KeyLimits#rendersPerHour()} in any hour). */
    public void admitRender(ApiKey key) {
        take(rendered, key, key.limits().rendersPerHour(), "asked for", "renders");
    }

    private void take(Map<String, Deque<Long>> window, ApiKey key, int limit, String verb, String what) {
        Deque<Long> times = window.computeIfAbsent(key.id(), k -> new ArrayDeque<>());
        synchronized (times) {
            long t = clock.millis();
            while (!times.isEmpty() && times.peekFirst() <= t - WINDOW.toMillis()) {
                times.removeFirst();
            }
            if (times.size() >= limit) {
                long retry = (times.peekFirst() + WINDOW.toMillis() - t + 999) / 1000;
                throw new ApiException(
                                ApiError.QUOTA_EXCEEDED,
                                "key " + key.id() + " " + verb + " " + times.size() + " " + what
                                        + " in the last hour; its limit is " + limit + " (room again in " + retry
                                        + " s)")
                        .retryAfter(retry);
            }
            times.addLast(t);
        }
    }
}
