package ai.aimix.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ApiKeyTest {
    @Test
    void aTokenOpensItsKeyOnlyAndTheRecordHoldsNoSecret() {
        ApiKey.Issued a = ApiKey.issue("a", KeyLimits.defaults(), 5);
        ApiKey.Issued b = ApiKey.issue("b", KeyLimits.defaults(), 6);
        String[] parts = ApiKey.parse(a.token());
        assertEquals(a.key().id(), parts[0]);
        assertTrue(a.key().opens(parts[1]));
        assertFalse(b.key().opens(parts[1]));
        assertFalse(a.key().opens(parts[1].substring(1) + "A"));
        assertNotEquals(a.key().id(), b.key().id());
        String record = a.key().toJson().toString();
        assertFalse(record.contains(parts[1]), "the secret is not stored");
        assertEquals(a.key(), ApiKey.fromJson(a.key().toJson()));
        assertTrue(ApiKey.fromJson(a.key().revoke().toJson()).revoked());
        for (String bad : new String[] {null, "", "amx_", "amx_0123456789abcdef_short", "Bearer " + a.token()}) {
            assertNull(ApiKey.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new KeyLimits(0, 1, 1, 1, 1));
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        long millis;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void quotasCountAnHourAndWhatRuns() {
        TestClock clock = new TestClock();
        KeyQuotas q = new KeyQuotas(clock);
        ApiKey k = ApiKey.issue("k", new KeyLimits(3, 2, 1, 1, 1), 0).key();
        q.admit(k, id -> 0);
        clock.millis = 1000;
        q.admit(k, id -> 1);
        ApiException busy = assertThrows(ApiException.class, () -> q.admit(k, id -> 2));
        assertEquals(ApiError.QUOTA_EXCEEDED, busy.error);
        assertTrue(busy.getMessage().contains("2 mixes running"), busy.getMessage());
        q.admit(k, id -> 0);
        ApiException hourly = assertThrows(ApiException.class, () -> q.admit(k, id -> 0));
        assertTrue(hourly.getMessage().contains("room again in 3599 s"), hourly.getMessage());
        clock.millis = 3_600_000; // the first creation leaves the window
        q.admit(k, id -> 0);
    }
}
