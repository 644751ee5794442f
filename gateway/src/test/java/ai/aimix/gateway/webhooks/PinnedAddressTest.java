package ai.aimix.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook client connects to the addresses the guard checked and to nothing else: names are resolved once, by
 * the guard, on connecting (a name no other resolver knows still reaches the receiver; a name that re-binds to a
 * private address between the create-time check and the delivery is refused before any connection).
 */
class PinnedAddressTest {
    HttpServer receiver;
    final AtomicInteger received = new AtomicInteger();
    HttpClient client;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            received.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() throws Exception {
        receiver.stop(0);
        if (client != null) {
            client.stop();
        }
    }

    /** A resolver whose n-th answer for a name is {@code answers[n]} (the last one repeats); counts lookups. */
    static final class Rebinding implements UrlGuard.Resolver {
        final String name;
        final String[] answers;
        final AtomicInteger lookups = new AtomicInteger();

        Rebinding(String name, String... answers) {
            this.name = name;
            this.answers = answers;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (!host.equals(name)) {
                throw new UnknownHostException(host);
            }
            int n = lookups.getAndIncrement();
            return new InetAddress[] {InetAddress.getByName(answers[Math.min(n, answers.length - 1)])};
        }
    }

    private ContentResponse post(UrlGuard guard, String host) throws Exception {
        client = new HttpClient();
        client.setSocketAddressResolver(guard.resolver());
        client.setFollowRedirects(false);
        client.start();
        return client.newRequest("http://" + host + ":" + receiver.getAddress().getPort() + "/hook")
                .method(HttpMethod.POST)
                .timeout(10, TimeUnit.SECONDS)
                .body(new StringRequestContent("application/json", "{}"))
                .send();
    }

    @Test
    void theConnectionGoesToTheAddressTheGuardResolvedAndChecked() throws Exception {
        // "hooks.internal" resolves nowhere but in the guard: reaching the receiver proves the guard's answer is used
        Rebinding dns = new Rebinding("hooks.internal", "127.0.0.1");
        UrlGuard guard = new UrlGuard(List.of("127.0.0.1"), dns);
        assertNull(guard.problem("http://hooks.internal/hook"));
        assertEquals(204, post(guard, "hooks.internal").getStatus());
        assertEquals(1, received.get());
        assertEquals(2, dns.lookups.get(), "one lookup for the check, one (checked again) for the connection");
    }

    @Test
    void aNameThatRebindsToAForbiddenAddressIsRefusedBeforeConnecting() throws Exception {
        // allowed when the mix was created; at delivery time the name points at the metadata service
        Rebinding dns = new Rebinding("hooks.internal", "127.0.0.1", "169.254.169.254");
        UrlGuard guard = new UrlGuard(List.of("127.0.0.1"), dns);
        assertNull(guard.problem("http://hooks.internal/hook"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> post(guard, "hooks.internal"));
        assertInstanceOf(UrlGuard.Refused.class, e.getCause());
        assertTrue(
                e.getCause().getMessage().contains("169.254.169.254"),
                e.getCause().getMessage());
        assertEquals(0, received.get(), "nothing was sent");
    }

    @Test
    void aLoopbackLiteralIsRefusedUnlessAllowed() throws Exception {
        UrlGuard guard = new UrlGuard(List.of(), InetAddress::getAllByName);
        ExecutionException e = assertThrows(ExecutionException.class, () -> post(guard, "127.0.0.1"));
        assertInstanceOf(UrlGuard.Refused.class, e.getCause());
        assertEquals(0, received.get());
    }
}
