package ai.aimix.cache;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The feature caches of this JVM, one per settings, shared by every operator instance that uses it (the lookup,
 * the log-mel stage, the inference stage, in every slot) and closed when the last one lets go.
 */
public final class Caches {
    private static final Map<String, Shared> OPEN = new HashMap<>();

    private static final class Shared {
        final FeatureCache cache;
        int users;

        Shared(FeatureCache cache) {
            this.cache = cache;
        }
    }

    private Caches() {}

    /** The JVM's cache for these settings, opened on first use; {@link #release} it when done. */
    public static synchronized FeatureCache acquire(CacheSettings settings) {
        Shared s = OPEN.computeIfAbsent(settings.identity(), k -> new Shared(open(settings)));
        s.users++;
        return s.cache;
    }

    public static synchronized void release(CacheSettings settings) {
        Shared s = OPEN.get(settings.identity());
        if (s != null && --s.users <= 0) {
            OPEN.remove(settings.identity());
            s.cache.close();
        }
    }

    /**
     * The bytes the JVM's open caches hold in this process's memory (the in-process caches' entries; a Redis cache
     * holds none here): what a heap measurement should set apart, since the cache fills towards its bound by design.
     */
    public static synchronized long bytesInProcess() {
        long n = 0;
        for (Shared s : OPEN.values()) {
            if (s.cache instanceof InProcessCache) {
                n += s.cache.stats().bytes();
            }
        }
        return n;
    }

    /** A new cache for the settings, not shared (the CLI's {@code cache flush}, tests). */
    public static FeatureCache open(CacheSettings settings) {
        if (settings.redisUri != null) {
            return new RedisCache(settings.redisUri, settings.prefix, settings.ttl, settings.timeout);
        }
        return new InProcessCache(settings.memoryBytes, settings.ttl, Clock.systemUTC());
    }
}
