package ai.aimix.cache;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A cache of computed features (a stem segment's log-mel, a segment's model parameters) by key. Never a source of
 * failure: a lookup that fails, times out or finds a corrupt entry completes with that key missing, and a put that
 * fails is dropped. Values are sealed with a checksum on the way in and checked on the way out.
 */
public interface FeatureCache extends AutoCloseable {
    /** The intact values found; keys absent from the map are misses. Completes normally, never exceptionally. */
    CompletableFuture<Map<CacheKey, byte[]>> getAll(Collection<CacheKey> keys);

    /** Stores a value (fire and forget: returns at once, never throws). */
    void put(CacheKey key, byte[] value);

    /** Removes every entry this cache holds (under its prefix, for a shared store); returns how many. */
    long flush();

    CacheStats stats();

    /** One line for logs: what kind of store, where. */
    String describe();

    @Override
    void close();
}
