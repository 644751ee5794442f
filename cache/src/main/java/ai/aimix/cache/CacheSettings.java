package ai.aimix.cache;

import java.io.Serializable;
import java.time.Duration;

/**
 * Where the feature cache lives and how long entries last (from the jobs' {@code aimix.cache.*} options).
 * {@code redisUri} null: the bounded in-process cache of {@code memoryBytes}.
 */
public final class CacheSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether the mix job fingerprints stems and uses the cache at all. */
    public static final boolean DEFAULT_ENABLED = true;
    /**
     * The in-process cache's bound: about three three-minute 8-stem songs' spectrograms (86 MB each, measured), within
     * the embedded stack's 2 GB heap.
     */
    public static final long DEFAULT_MEMORY_BYTES = 256L << 20;
    /** How long an entry lives: a day covers re-mixes in a session and a pool song's battles. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** How long a lookup may take before its keys count as misses (Redis on the same network answers in well under). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);
    /** Lookups in flight per operator instance. */
    public static final int DEFAULT_CAPACITY = 16;
    /** Prefix of every key in a shared store (so `cache flush` removes only ours). */
    public static final String DEFAULT_PREFIX = "aimix:";

    public final boolean enabled;
    public final String redisUri;
    public final long memoryBytes;
    public final Duration ttl;
    public final Duration timeout;
    public final int capacity;
    public final String prefix;
    /**
     * What else the values depend on, besides their own key's parts: the job's feature settings (spectrogram size,
     * hop, bands). Part of every parameter key, so jobs of different settings sharing a Redis never share entries.
     */
    public final String context;

    public CacheSettings(
            boolean enabled,
            String redisUri,
            long memoryBytes,
            Duration ttl,
            Duration timeout,
            int capacity,
            String prefix,
            String context) {
        this.context = context;
        this.enabled = enabled;
        this.redisUri = redisUri == null || redisUri.isBlank() ? null : redisUri;
        this.memoryBytes = memoryBytes;
        this.ttl = ttl;
        this.timeout = timeout;
        this.capacity = capacity;
        this.prefix = prefix;
    }

    public static CacheSettings defaults() {
        return new CacheSettings(
                DEFAULT_ENABLED,
                null,
                DEFAULT_MEMORY_BYTES,
                DEFAULT_TTL,
                DEFAULT_TIMEOUT,
                DEFAULT_CAPACITY,
                DEFAULT_PREFIX,
                "");
    }

    public static CacheSettings disabled() {
        CacheSettings d = defaults();
        return new CacheSettings(false, null, d.memoryBytes, d.ttl, d.timeout, d.capacity, d.prefix, d.context);
    }

    /** These settings under another key prefix (in-process caches of different prefixes are separate too). */
    public CacheSettings withPrefix(String keyPrefix) {
        return new CacheSettings(enabled, redisUri, memoryBytes, ttl, timeout, capacity, keyPrefix, context);
    }

    public CacheSettings withRedis(String uri) {
        return new CacheSettings(enabled, uri, memoryBytes, ttl, timeout, capacity, prefix, context);
    }

    /** These settings for values that also depend on {@code valuesContext} (see {@link #context}). */
    public CacheSettings withContext(String valuesContext) {
        return new CacheSettings(enabled, redisUri, memoryBytes, ttl, timeout, capacity, prefix, valuesContext);
    }

    /**
     * Flink's own timeout for a lookup, a safety net behind the cache's ({@link #timeout}, which makes a slow
     * lookup a miss first): twice it.
     */
    public Duration operatorTimeout() {
        return timeout.multipliedBy(2);
    }

    /** What identifies one shared cache in a JVM: operators with equal identities share it. */
    String identity() {
        return (redisUri != null ? "redis " + redisUri : "memory " + memoryBytes) + " " + prefix + " " + ttl;
    }
}
