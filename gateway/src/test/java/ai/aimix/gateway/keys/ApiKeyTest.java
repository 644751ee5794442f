package ai.aimix.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyTest {
    static final KeySeal SEAL = KeySeal.of(KeySeal.randomSecret());

    @Test
    void aTokenOpensItsKeyOnlyAndTheRecordHoldsNoSecret() {
        ApiKey.Issued a = ApiKey.issue("a", KeyLimits.defaults(), 5, SEAL);
        ApiKey.Issued b = ApiKey.issue("b", KeyLimits.defaults(), 6, SEAL);
        String[] parts = ApiKey.parse(a.token());
        assertEquals(a.key().id(), parts[0]);
        assertTrue(a.key().opens(parts[1], SEAL));
        assertFalse(b.key().opens(parts[1], SEAL));
        assertFalse(a.key().opens(parts[1].substring(1) + "A", SEAL));
        assertFalse(a.key().opens(parts[1], KeySeal.of(KeySeal.randomSecret())), "another gateway secret");
        assertNotEquals(a.key().id(), b.key().id());
        String record = a.key().toJson(SEAL).toString();
        assertFalse(record.contains(parts[1]), "the secret is not stored");
        assertFalse(record.contains(a.key().webhookSecret()), "the webhook secret is sealed: " + record);
        assertEquals(a.key(), ApiKey.fromJson(a.key().toJson(SEAL), SEAL));
        assertTrue(ApiKey.fromJson(a.key().revoke().toJson(SEAL), SEAL).revoked());
        assertThrows(
                IllegalArgumentException.class,
                () -> ApiKey.fromJson(a.key().toJson(SEAL), KeySeal.of(KeySeal.randomSecret())),
                "a sealed webhook secret opens only with its gateway secret");
        assertFalse(
                a.key().publicJson().toString().contains("secret"),
                a.key().publicJson().toString());
        for (String bad : new String[] {null, "", "amx_", "amx_0123456789abcdef_short", "Bearer " + a.token()}) {
            assertNull(ApiKey.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new KeyLimits(0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> KeySeal.of("too short"));
    }

    /** A record written before the gateway secret (plain SHA-256, the webhook secret as is) still opens. */
    @Test
    void aRecordFromBeforeTheGatewaySecretIsStillRead() throws Exception {
        String secret = "A".repeat(43);
        ObjectNode old = (ObjectNode) new ObjectMapper()
                .readTree("{\"id\":\"0123456789abcdef\",\"name\":\"old\",\"createdAtMillis\":1,"
                        + "\"revoked\":false,\"limits\":{},\"webhookSecret\":\"whsec_x\"}");
        old.put("secretSha256", ApiKey.hash(secret));
        ApiKey k = ApiKey.fromJson(old, SEAL);
        assertTrue(k.opens(secret, SEAL));
        assertEquals("whsec_x", k.webhookSecret());
        assertTrue(ApiKey.fromJson(k.toJson(SEAL), SEAL).opens(secret, SEAL), "and is written back as it was hashed");
    }

    @Test
    void serveKeepsOneSecretPerHome(@TempDir Path home) throws Exception {
        Path file = home.resolve("gateway-secret");
        assertThrows(IllegalArgumentException.class, () -> KeySeal.load(file, false));
        KeySeal first = KeySeal.load(file, true);
        KeySeal again = KeySeal.load(file, false);
        assertEquals(first.hash("x"), again.hash("x"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
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
        ApiKey k = ApiKey.issue("k", new KeyLimits(3, 2, 1, 1, 1), 0, SEAL).key();
        q.admit(k, id -> 0);
        clock.millis = 1000;
        q.admit(k, id -> 1);
        ApiException busy = assertThrows(ApiException.class, () -> q.admit(k, id -> 2));
        assertEquals(ApiError.QUOTA_EXCEEDED, busy.error);
        assertTrue(busy.getMessage().contains("2 mixes running"), busy.getMessage());
        q.admit(k, id -> 0);
        ApiException hourly = assertThrows(ApiException.class, () -> q.admit(k, id -> 0));
        assertTrue(hourly.getMessage().contains("room again in 3599 s"), hourly.getMessage());
        assertEquals(3599, hourly.retryAfterSeconds(), "answered with Retry-After");
        assertEquals(0, busy.retryAfterSeconds(), "mixes running at once: no time to say");
        clock.millis = 3_600_000; // the first creation leaves the window
        q.admit(k, id -> 0);
    }

    @Test
    void rendersAreCountedPerHourApartFromMixes() {
        TestClock clock = new TestClock();
        KeyQuotas q = new KeyQuotas(clock);
        ApiKey k = ApiKey.issue("k", new KeyLimits(1, 1, 1, 1, 1, 2), 0, SEAL).key();
        q.admitRender(k);
        q.admitRender(k);
        ApiException third = assertThrows(ApiException.class, () -> q.admitRender(k));
        assertEquals(ApiError.QUOTA_EXCEEDED, third.error);
        assertTrue(third.getMessage().contains("2 renders in the last hour; its limit is 2"), third.getMessage());
        q.admit(k, id -> 0); // mixes have their own window
        clock.millis = 3_600_000;
        q.admitRender(k);
        assertEquals(2, ApiKey.fromJson(k.toJson(SEAL), SEAL).limits().rendersPerHour(), "kept on the topic");
    }
}
