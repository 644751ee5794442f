package ai.aimix.gateway.webhooks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which callback URLs the gateway may call (SSRF): http or https, a host that resolves, and none of its addresses
 * loopback, link-local (cloud metadata services live there), private (RFC 1918, IPv6 unique-local), any-local or
 * multicast, unless an operator's allow-list names the address. Checked when the mix is created and again before
 * every attempt (a name that later resolves elsewhere is refused then).
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
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return "not a URL: " + e.getReason();
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "the scheme must be http or https";
        }
        if (u.getHost() == null || u.getRawUserInfo() != null) {
            return "a host is required (and no user info)";
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(u.getHost());
        } catch (UnknownHostException e) {
            return "the host " + u.getHost() + " does not resolve";
        }
        for (InetAddress a : addresses) {
            if (allowed.contains(a.getHostAddress())) {
                continue;
            }
            String why = forbidden(a);
            if (why != null) {
                return "the host " + u.getHost() + " resolves to " + a.getHostAddress() + ", " + why;
            }
        }
        return null;
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
