package ai.aimix.cache;

/**
 * Counters of a cache since it was opened. {@code hits} and {@code misses} count keys looked up ({@code corrupt}
 * ones are among the misses), {@code errors} failed or timed-out calls to the store (their keys are misses too),
 * {@code evictions} entries the store dropped for room, {@code bytes} what it holds now.
 */
public record CacheStats(long hits, long misses, long corrupt, long puts, long errors, long evictions, long bytes) {}
