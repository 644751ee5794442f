package ai.aimix.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feature cache in Redis, through Lettuce's non-blocking client: one multiplexed connection, lookups as one
 * {@code MGET} per segment, stores as {@code SET ... PX ttl}, fire and forget. Redis down or slow is never a failure:
 * commands are rejected at once while the connection is down (Lettuce reconnects in the background; a first
 * connection that fails is retried every {@link #RECONNECT_INTERVAL}), a lookup that takes longer than the timeout
 * is a miss. Eviction is Redis's: run it with a {@code maxmemory} and an LRU policy ({@code allkeys-lru}); a
 * server that would refuse writes when full ({@code noeviction}) is reported in the log.
 */
public final class RedisCache implements FeatureCache {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);
    /** How often a first connection that failed is tried again. */
    static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(2);
    /** How often the server's memory and eviction counters are read for {@link #stats()}. */
    static final Duration INFO_INTERVAL = Duration.ofSeconds(5);
    /** Keys removed per command by {@link #flush()}. */
    private static final int FLUSH_BATCH = 1000;

    private final RedisClient client;
    private final RedisURI uri;
    private final String prefix;
    private final long ttlMillis;
    private final Duration timeout;
    private final ScheduledExecutorService retry;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile boolean closed;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile long evictions;
    private volatile long usedBytes;
    private volatile long evictionsAtStart = -1;
    private volatile long infoReadAt;

    public RedisCache(String uri, String prefix, Duration ttl, Duration timeout) {
        this.uri = RedisURI.create(uri);
        this.uri.setTimeout(timeout);
        this.prefix = prefix;
        this.ttlMillis = ttl.toMillis();
        this.timeout = timeout;
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aimix-redis-cache-connect");
            t.setDaemon(true);
            return t;
        });
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        client.connectAsync(ByteArrayCodec.INSTANCE, uri).whenComplete((c, e) -> {
            if (e != null) {
                LOG.warn(
                        "Feature cache: Redis at {} unreachable ({}); mixing uncached, retrying",
                        where(),
                        e.toString());
                if (!closed) {
                    retry.schedule(this::connect, RECONNECT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (closed) {
                c.closeAsync();
                return;
            }
            connection = c;
            LOG.info("Feature cache: connected to Redis at {}", where());
            c.async().configGet("maxmemory-policy").whenComplete((policy, pe) -> {
                if (pe == null && "noeviction".equals(policy.get("maxmemory-policy"))) {
                    LOG.warn(
                            "Feature cache: Redis at {} evicts nothing when full (maxmemory-policy noeviction):"
                                    + " set allkeys-lru, or writes will fail once it is full",
                            where());
                }
            });
        });
    }

    /** Whether the connection is up now (lookups go to Redis). */
    public boolean isConnected() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        return c != null && c.isOpen();
    }

    private String where() {
        return uri.getHost() + ":" + uri.getPort();
    }

    private byte[] name(CacheKey k) {
        return k.name(prefix).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public CompletableFuture<Map<CacheKey, byte[]>> getAll(Collection<CacheKey> keys) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (c == null || !c.isOpen()) {
            misses.addAndGet(keys.size());
            errors.incrementAndGet();
            return CompletableFuture.completedFuture(Map.of());
        }
        List<CacheKey> ordered = new ArrayList<>(keys);
        byte[][] names = new byte[ordered.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = name(ordered.get(i));
        }
        try {
            return c.async()
                    .mget(names)
                    .toCompletableFuture()
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((values, e) -> {
                        if (e != null) {
                            errors.incrementAndGet();
                            misses.addAndGet(ordered.size());
                            return Map.<CacheKey, byte[]>of();
                        }
                        Map<CacheKey, byte[]> found = new HashMap<>();
                        for (int i = 0; i < ordered.size(); i++) {
                            KeyValue<byte[], byte[]> kv = values.get(i);
                            byte[] payload = kv.hasValue() ? SealedEntry.open(kv.getValue()) : null;
                            if (payload == null) {
                                misses.incrementAndGet();
                                if (kv.hasValue()) {
                                    corrupt.incrementAndGet();
                                }
                            } else {
                                hits.incrementAndGet();
                                found.put(ordered.get(i), payload);
                            }
                        }
                        return found;
                    });
        } catch (RuntimeException e) { // rejected while reconnecting
            errors.incrementAndGet();
            misses.addAndGet(ordered.size());
            return CompletableFuture.completedFuture(Map.of());
        }
    }

    @Override
    public void put(CacheKey key, byte[] value) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null || !c.isOpen()) {
            errors.incrementAndGet();
            return;
        }
        try {
            c.async()
                    .set(name(key), SealedEntry.seal(value), SetArgs.Builder.px(ttlMillis))
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            errors.incrementAndGet();
                        } else {
                            puts.incrementAndGet();
                        }
                    });
        } catch (RuntimeException e) {
            errors.incrementAndGet();
        }
    }

    /** Removes every key under the prefix (SCAN and UNLINK in batches; other programs' keys stay). */
    @Override
    public long flush() {
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE, uri)) {
            RedisCommands<byte[], byte[]> sync = c.sync();
            ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(FLUSH_BATCH);
            long removed = 0;
            KeyScanCursor<byte[]> cursor = sync.scan(match);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    removed += sync.unlink(cursor.getKeys().toArray(new byte[0][]));
                }
                if (cursor.isFinished()) {
                    return removed;
                }
                cursor = sync.scan(ScanCursor.of(cursor.getCursor()), match);
            }
        }
    }

    @Override
    public CacheStats stats() {
        refreshInfo();
        long ev = evictionsAtStart < 0 ? 0 : evictions - evictionsAtStart;
        return new CacheStats(
                hits.get(), misses.get(), corrupt.get(), puts.get(), errors.get(), Math.max(0, ev), usedBytes);
    }

    /** Reads the server's used memory and evictions now and then (asynchronously; stats show the last reading). */
    private void refreshInfo() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        long now = System.currentTimeMillis();
        if (c == null || !c.isOpen() || now - infoReadAt < INFO_INTERVAL.toMillis()) {
            return;
        }
        infoReadAt = now;
        try {
            c.async().info().whenComplete((info, e) -> {
                if (e != null) {
                    return;
                }
                long used = field(info, "used_memory");
                long evicted = field(info, "evicted_keys");
                if (used >= 0) {
                    usedBytes = used;
                }
                if (evicted >= 0) {
                    if (evictionsAtStart < 0) {
                        evictionsAtStart = evicted;
                    }
                    evictions = evicted;
                }
            });
        } catch (RuntimeException e) {
            // disconnected: the next call tries again
        }
    }

    static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                try {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    @Override
    public String describe() {
        return "Redis at " + where() + " (keys " + prefix + "*)";
    }

    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
