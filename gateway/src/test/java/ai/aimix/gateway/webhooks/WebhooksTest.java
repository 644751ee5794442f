package ai.aimix.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The parts of webhook delivery that need no network: the URL guard, the signature, the retry schedule. */
class WebhooksTest {
    /** A resolver of fixed answers: names resolve to what the test says, literals to themselves. */
    static UrlGuard guard(List<String> allowed, Map<String, String> names) {
        return new UrlGuard(allowed, host -> {
            String a = names.get(host);
            if (a != null) {
                return new InetAddress[] {InetAddress.getByName(a)};
            }
            if (host.matches("[0-9.]+") || host.startsWith("[") || host.contains(":")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        });
    }

    @Test
    void privateLoopbackLinkLocalAndMetadataAddressesAreRefusedUnlessAllowed() {
        UrlGuard g = guard(
                List.of(),
                Map.of(
                        "hooks.example.com",
                        "93.184.216.34",
                        "sneaky.example.com",
                        "10.1.2.3",
                        "meta.example.com",
                        "169.254.169.254"));
        assertNull(g.problem("https://hooks.example.com/aimix?x=1"));
        assertNull(g.problem("http://93.184.216.34:8080/"));
        for (String[] c : new String[][] {
            {"http://127.0.0.1:9/", "loopback"},
            {"http://[::1]/", "loopback"},
            {"http://10.0.0.1/", "private"},
            {"http://192.168.1.10/", "private"},
            {"http://172.16.0.5/", "private"},
            {"http://[fd00::1]/", "private"},
            {"http://169.254.169.254/latest/meta-data/", "link-local"},
            {"https://sneaky.example.com/", "private"},
            {"https://meta.example.com/", "link-local"},
            {"http://0.0.0.0/", "not a host's address"},
            {"ftp://hooks.example.com/", "http or https"},
            {"https://nowhere.example.com/", "does not resolve"},
            {"https://user:pw@hooks.example.com/", "no user info"},
            {"not a url at all", "not a URL"}
        }) {
            String why = g.problem(c[0]);
            assertTrue(why != null && why.contains(c[1]), c[0] + ": " + why);
        }
        // an operator's allow-list (the tests': 127.0.0.1) lets one address through, and only that one
        UrlGuard allowed = guard(List.of("127.0.0.1"), Map.of());
        assertNull(allowed.problem("http://127.0.0.1:8080/hook"));
        assertTrue(allowed.problem("http://127.0.0.2:8080/hook").contains("loopback"));
    }

    @Test
    void theSignatureIsHmacSha256OverTimestampDotBody() {
        // computed independently: python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test',
        // b'1700000000.{\"id\":\"mix_1\"}', hashlib.sha256).hexdigest())"
        assertEquals(
                "t=1700000000,v1=" + EXPECTED, Signatures.header("whsec_test", 1_700_000_000L, "{\"id\":\"mix_1\"}"));
    }

    static final String EXPECTED = "2b54b2da64fb8e9b83bbc2e90c438033ce4d83ca2b8d50a07b7de37e4121cfeb";

    @Test
    void retriesBackOffWithJitterForMoreThanAnHour() {
        RetrySchedule s = RetrySchedule.DEFAULT;
        SplittableRandom r = new SplittableRandom(1);
        Duration since = Duration.ZERO;
        int attempt = 1;
        Duration d;
        long previousBase = 0;
        while ((d = s.next(attempt, since, r)) != null) {
            double base = Math.min(600_000, 5_000 * Math.pow(2, attempt - 1));
            assertTrue(d.toMillis() >= base * 0.8 - 1 && d.toMillis() <= base * 1.2 + 1, attempt + ": " + d);
            assertTrue(base >= previousBase);
            previousBase = (long) base;
            since = since.plus(d);
            attempt++;
        }
        assertTrue(since.toMinutes() >= 60, "retried for " + since);
        assertTrue(since.toMinutes() <= 70, "gave up by " + since);
        assertTrue(attempt >= 10 && attempt <= 14, attempt + " attempts");
    }
}
