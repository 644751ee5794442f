package ai.aimix.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A bounded in-process cache: least recently used entries go first when the bytes held would pass the bound, and
 * entries older than the TTL are misses. What the embedded stack uses when no Redis is configured; one per JVM
 * (see {@link Caches}), shared by every operator instance in it.
 */
public final class InProcessCache implements FeatureCache {
    private final long maxBytes;
    private final long ttlMillis;
    private final Clock clock;
    private final LinkedHashMap<CacheKey, Stored> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;
    private long corrupt;
    private long puts;
    private long evictions;

    private record Stored(byte[] sealed, long expiresAt) {}

    public InProcessCache(long maxBytes, Duration ttl, Clock clock) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("an in-process cache needs a positive bound, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Map<CacheKey, byte[]>> getAll(Collection<CacheKey> keys) {
        Map<CacheKey, byte[]> found = new HashMap<>();
        long now = clock.millis();
        synchronized (this) {
            for (CacheKey k : keys) {
                Stored s = entries.get(k);
                if (s != null && s.expiresAt <= now) {
                    remove(k);
                    s = null;
                }
                byte[] payload = s == null ? null : SealedEntry.open(s.sealed);
                if (payload == null) {
                    misses++;
                    if (s != null) {
                        corrupt++;
                        remove(k);
                    }
                } else {
                    hits++;
                    found.put(k, payload);
                }
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public void put(CacheKey key, byte[] value) {
        byte[] sealed = SealedEntry.seal(value);
        if (sealed.length > maxBytes) {
            return;
        }
        long expiresAt = clock.millis() + ttlMillis;
        synchronized (this) {
            remove(key);
            entries.put(key, new Stored(sealed, expiresAt));
            bytes += sealed.length;
            puts++;
            Iterator<Map.Entry<CacheKey, Stored>> eldest = entries.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                Stored s = eldest.next().getValue();
                eldest.remove();
                bytes -= s.sealed.length;
                evictions++;
            }
        }
    }

    private void remove(CacheKey k) {
        Stored s = entries.remove(k);
        if (s != null) {
            bytes -= s.sealed.length;
        }
    }

    /** Overwrites a stored entry's bytes in place (for tests of corrupt entries). */
    synchronized void corrupt(CacheKey key, int offset) {
        Stored s = entries.get(key);
        if (s != null) {
            s.sealed[offset] ^= 0x5a;
        }
    }

    @Override
    public synchronized long flush() {
        long n = entries.size();
        entries.clear();
        bytes = 0;
        return n;
    }

    @Override
    public synchronized CacheStats stats() {
        return new CacheStats(hits, misses, corrupt, puts, 0, evictions, bytes);
    }

    @Override
    public String describe() {
        return "in-process cache of at most " + (maxBytes >> 20) + " MiB";
    }

    @Override
    public void close() {
        flush();
    }
}
