package ai.aimix.gateway.webhooks;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Which callback URLs the gateway may call (SSRF): http or https, a host that resolves, and none of its addresses
 * loopback, link-local (cloud metadata services live there), private (RFC 1918, IPv6 unique-local), any-local or
 * multicast, unless an operator's allow-list names the address. Checked when the mix is created, and on every
 * connection: the webhook client resolves names only through {@link #resolver()}, which hands it the checked addresses
 * and nothing else (the address is pinned: no second lookup between the check and the connection).
 */
public final class UrlGuard {
    /** How a name is resolved (the JDK's resolver; tests give their own). */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<String> allowed;
    private final Resolver resolver;

    /** @param allowed IP addresses (literals) that may be called even though they are private or loopback */
    public UrlGuard(List<String> allowed, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    public static UrlGuard system(List<String> allowed) {
        return new UrlGuard(allowed, InetAddress::getAllByName);
    }

    /** Why {@code url} may not be called, or null when it may. */
    public String problem(String url) {
        try {
            URI u = checkedUri(url);
            addresses(u.getHost());
            return null;
        } catch (Refused e) {
            return e.getMessage();
        }
    }

    /** The URL, if its form may be called (scheme, host, no user info); its addresses are checked on connecting. */
    public static URI checkedUri(String url) throws Refused {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("the scheme must be http or https");
        }
        if (u.getHost() == null || u.getRawUserInfo() != null) {
            throw new Refused("a host is required (and no user info)");
        }
        return u;
    }

    /**
     * The addresses of {@code host}, resolved once and each checked: the only ones a connection may then use (the
     * webhook client connects through {@link #resolver}, so a name cannot resolve to an allowed address for the check
     * and to a forbidden one for the connection).
     */
    public List<InetAddress> addresses(String host) throws Refused {
        InetAddress[] resolved;
        try {
            resolved = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("the host " + host + " does not resolve");
        }
        for (InetAddress a : resolved) {
            if (allowed.contains(a.getHostAddress())) {
                continue;
            }
            String why = forbidden(a);
            if (why != null) {
                throw new Refused("the host " + host + " resolves to " + a.getHostAddress() + ", " + why);
            }
        }
        return List.of(resolved);
    }

    /** Name resolution for the webhook client: {@link #addresses}, so every connection goes to a checked address. */
    public SocketAddressResolver resolver() {
        return (host, port, context, promise) -> {
            try {
                List<InetSocketAddress> out = new ArrayList<>();
                for (InetAddress a : addresses(host)) {
                    out.add(new InetSocketAddress(a, port));
                }
                promise.succeeded(out);
            } catch (Refused e) {
                promise.failed(e);
            }
        };
    }

    /** A callback URL or address that may not be called, and why. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String why) {
            super(why);
        }
    }

    static String forbidden(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address (metadata services live there)";
        }
        if (a.isSiteLocalAddress() || (a instanceof Inet6Address && (a.getAddress()[0] & 0xFE) == 0xFC)) {
            return "a private address";
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return "not a host's address";
        }
        return null;
    }
}
