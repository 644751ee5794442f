package ai.aimix.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.cache.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real redis-server on loopback. */
class RedisCacheTest {
    @TempDir
    Path dir;

    private static CacheKey key(int i) {
        return new CacheKey("params", Fingerprints.derive("test", Fingerprints.bytes(i)));
    }

    private static void awaitConnected(RedisCache c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!c.isConnected()) {
            assertTrue(System.nanoTime() < deadline, "connected within 20 s");
            Thread.sleep(20);
        }
    }

    private static void awaitConnectedWithin(RedisCache c, Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!c.isConnected()) {
            assertTrue(System.nanoTime() < deadline, "reconnected within " + d);
            Thread.sleep(50);
        }
    }

    private static Map<CacheKey, byte[]> awaitValue(RedisCache c, CacheKey k) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<CacheKey, byte[]> found;
        while ((found = c.getAll(List.of(k)).join()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return found;
    }

    @Test
    void storesLooksUpExpiresAndFlushesUnderItsPrefix() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"), 64L << 20);
                RedisCache c =
                        new RedisCache(redis.uri(), "aimix-test:", Duration.ofSeconds(2), Duration.ofSeconds(1))) {
            awaitConnected(c);
            c.put(key(1), new byte[] {1, 2, 3});
            c.put(key(2), new byte[] {4});
            assertArrayEquals(new byte[] {1, 2, 3}, awaitValue(c, key(1)).get(key(1)));
            Map<CacheKey, byte[]> both =
                    c.getAll(List.of(key(1), key(2), key(3))).join();
            assertEquals(2, both.size());
            // another program's key survives a flush
            assertEquals("+OK", redis.command("SET other:key 1"));
            assertEquals(2, c.flush());
            assertEquals(":1", redis.command("EXISTS other:key"));
            assertTrue(c.getAll(List.of(key(1), key(2))).join().isEmpty());
            // TTL: set with PX
            c.put(key(4), new byte[] {9});
            awaitValue(c, key(4));
            Thread.sleep(2_500);
            assertTrue(c.getAll(List.of(key(4))).join().isEmpty(), "expired after its TTL");
        }
    }

    @Test
    void aCorruptValueIsAMiss() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"), 64L << 20);
                RedisCache c = new RedisCache(redis.uri(), "aimix-test:", Duration.ofHours(1), Duration.ofSeconds(1))) {
            awaitConnected(c);
            assertEquals("+OK", redis.command("SET " + key(5).name("aimix-test:") + " garbage"));
            assertTrue(c.getAll(List.of(key(5))).join().isEmpty());
            assertEquals(1, c.stats().corrupt());
        }
    }

    @Test
    void redisDownIsMissesNotFailuresAndItReconnects() throws Exception {
        Path where = dir.resolve("redis");
        RedisServer redis = new RedisServer(where, 64L << 20);
        try (RedisCache c = new RedisCache(redis.uri(), "aimix-test:", Duration.ofHours(1), Duration.ofMillis(300))) {
            awaitConnected(c);
            c.put(key(1), new byte[] {1});
            awaitValue(c, key(1));
            redis.kill();
            for (int i = 0; i < 20; i++) {
                assertTrue(c.getAll(List.of(key(1))).join().isEmpty());
                c.put(key(2), new byte[] {2}); // dropped, never thrown
            }
            assertTrue(c.stats().errors() > 0);
            // a new server on the same port: Lettuce reconnects, the cache works again
            redis = new RedisServer(where, 64L << 20, redis.port());
            awaitConnectedWithin(c, Duration.ofSeconds(30));
            c.put(key(3), new byte[] {3});
            assertArrayEquals(new byte[] {3}, awaitValue(c, key(3)).get(key(3)));
        } finally {
            redis.close();
        }
    }

    @Test
    void aServerThatIsNotThereAtStartIsMissesUntilItComes() throws Exception {
        try (RedisCache c =
                new RedisCache("redis://127.0.0.1:1", "aimix-test:", Duration.ofHours(1), Duration.ofMillis(200))) {
            assertTrue(c.getAll(List.of(key(1))).join().isEmpty());
            c.put(key(1), new byte[] {1});
            assertEquals(0, c.stats().hits());
        }
    }
}
