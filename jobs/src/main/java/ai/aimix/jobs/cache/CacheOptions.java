package ai.aimix.jobs.cache;

import static org.apache.flink.configuration.ConfigOptions.key;

import ai.aimix.cache.CacheSettings;
import ai.aimix.jobs.JobOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The feature cache: spectrograms and model parameters by audio fingerprint (the mix job; {@code aimix cache
 * flush}). Shared: any job or command that reaches the cache reads these.
 */
public final class CacheOptions {
    private CacheOptions() {}

    public static final ConfigOption<Boolean> ENABLED = key("aimix.cache.enabled")
            .booleanType()
            .defaultValue(CacheSettings.DEFAULT_ENABLED)
            .withDescription("Fingerprint every stem segment (SHA-256, chained) and reuse log-mel spectrograms and "
                    + "model parameters already computed for the same audio: a re-mix, a battle of a pool song, a "
                    + "retried mix, a second model on the same song. Results are bit-identical with and without.");

    public static final ConfigOption<String> REDIS = key("aimix.cache.redis")
            .stringType()
            .noDefaultValue()
            .withDescription("Redis to keep the cache in, shared by every TaskManager: redis://[:password@]host:port"
                    + "[/db] or rediss:// for TLS. Run it with a maxmemory and maxmemory-policy allkeys-lru. Unset: a "
                    + "bounded in-process cache per TaskManager (aimix.cache.memory).");

    public static final ConfigOption<MemorySize> MEMORY = key("aimix.cache.memory")
            .memoryType()
            .defaultValue(new MemorySize(CacheSettings.DEFAULT_MEMORY_BYTES))
            .withDescription("Bound of the in-process cache (when aimix.cache.redis is unset), least recently used "
                    + "entries dropped first; a three-minute 8-stem song's spectrograms take about 86 MB. Counts "
                    + "against the TaskManager's heap.");

    public static final ConfigOption<Duration> TTL = key("aimix.cache.ttl")
            .durationType()
            .defaultValue(CacheSettings.DEFAULT_TTL)
            .withDescription("How long an entry lives after it is written.");

    public static final ConfigOption<Duration> TIMEOUT = key("aimix.cache.timeout")
            .durationType()
            .defaultValue(CacheSettings.DEFAULT_TIMEOUT)
            .withDescription("How long a lookup may take; a slower one (or Redis down) is a miss and the segment "
                    + "is computed.");

    public static final ConfigOption<Integer> CAPACITY = key("aimix.cache.capacity")
            .intType()
            .defaultValue(CacheSettings.DEFAULT_CAPACITY)
            .withDescription("Segments whose lookup may be in flight at once per subtask (the Async I/O "
                    + "operator's capacity; in-flight segments are part of its checkpointed state).");

    public static final ConfigOption<String> KEY_PREFIX = key("aimix.cache.key-prefix")
            .stringType()
            .defaultValue(CacheSettings.DEFAULT_PREFIX)
            .withDescription(
                    "Prefix of every key in Redis (letters, digits and : _ . -); aimix cache flush removes only"
                            + " keys under it.");

    /** The settings, checked: names the offending key. */
    public static CacheSettings settings(ReadableConfig c) {
        String redis = c.getOptional(REDIS).orElse(null);
        if (redis != null && !redis.isBlank()) {
            String scheme;
            try {
                scheme = URI.create(redis).getScheme();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(REDIS.key() + " is not a URI: " + e.getMessage());
            }
            if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
                throw new IllegalArgumentException(REDIS.key() + " must be a redis:// or rediss:// URI, not "
                        + (scheme == null ? "a path" : scheme + "://"));
            }
        }
        positive(MEMORY.key(), c.get(MEMORY).getBytes());
        positive(TTL.key(), c.get(TTL).toMillis());
        positive(TIMEOUT.key(), c.get(TIMEOUT).toMillis());
        positive(CAPACITY.key(), c.get(CAPACITY));
        if (!c.get(KEY_PREFIX).matches("[A-Za-z0-9:_.-]+")) {
            // SCAN MATCH reads * ? [ \\ as a pattern: flush would remove other programs' keys
            throw new IllegalArgumentException(KEY_PREFIX.key()
                    + " must be letters, digits and : _ . - only (flush matches keys by it), not '" + c.get(KEY_PREFIX)
                    + "'");
        }
        return new CacheSettings(
                c.get(ENABLED),
                redis,
                c.get(MEMORY).getBytes(),
                c.get(TTL),
                c.get(TIMEOUT),
                c.get(CAPACITY),
                c.get(KEY_PREFIX),
                "");
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, not " + value);
        }
    }

    /** All options, for documentation and --help. */
    public static List<ConfigOption<?>> all() {
        return JobOptions.declaredIn(CacheOptions.class);
    }
}
