package ai.aimix.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InProcessCacheTest {
    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private static CacheKey key(int i) {
        return new CacheKey("mel", Fingerprints.derive("test", Fingerprints.bytes(i)));
    }

    private static Map<CacheKey, byte[]> get(FeatureCache c, CacheKey... keys) {
        return c.getAll(List.of(keys)).join();
    }

    @Test
    void keepsTheMostRecentlyUsedWithinItsBound() {
        // each entry: 1000 payload bytes + the seal's 12
        InProcessCache c = new InProcessCache(3 * 1012, Duration.ofHours(1), new MovingClock());
        for (int i = 0; i < 3; i++) {
            c.put(key(i), new byte[1000]);
        }
        assertEquals(3, get(c, key(0), key(1), key(2)).size());
        get(c, key(0)); // 0 is now the most recently used, 1 the least
        c.put(key(3), new byte[1000]);
        Map<CacheKey, byte[]> found = get(c, key(0), key(1), key(2), key(3));
        assertEquals(
                List.of(false, true, true, true).toString(),
                List.of(
                                found.containsKey(key(1)),
                                found.containsKey(key(0)),
                                found.containsKey(key(2)),
                                found.containsKey(key(3)))
                        .toString());
        CacheStats s = c.stats();
        assertEquals(1, s.evictions());
        assertEquals(3 * 1012, s.bytes());
        assertEquals(3 + 1 + 3, s.hits());
        assertEquals(1, s.misses());
    }

    @Test
    void entriesExpireAfterTheirTtl() {
        MovingClock clock = new MovingClock();
        InProcessCache c = new InProcessCache(1 << 20, Duration.ofMinutes(10), clock);
        c.put(key(1), new byte[] {42});
        clock.millis += Duration.ofMinutes(10).toMillis() - 1;
        assertArrayEquals(new byte[] {42}, get(c, key(1)).get(key(1)));
        clock.millis += 1;
        assertTrue(get(c, key(1)).isEmpty());
        assertEquals(0, c.stats().bytes());
    }

    @Test
    void aCorruptEntryIsAMissAndIsDropped() {
        InProcessCache c = new InProcessCache(1 << 20, Duration.ofHours(1), new MovingClock());
        c.put(key(1), new byte[] {1, 2, 3});
        c.corrupt(key(1), SealedEntry.HEADER + 1);
        assertTrue(get(c, key(1)).isEmpty());
        assertEquals(1, c.stats().corrupt());
        assertEquals(0, c.stats().bytes());
    }

    @Test
    void flushEmptiesIt() {
        InProcessCache c = new InProcessCache(1 << 20, Duration.ofHours(1), new MovingClock());
        c.put(key(1), new byte[10]);
        c.put(key(2), new byte[10]);
        assertEquals(2, c.flush());
        assertTrue(get(c, key(1), key(2)).isEmpty());
    }
}
