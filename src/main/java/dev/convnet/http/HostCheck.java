package dev.convnet.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which {@code Host} header values the server answers: the defence against DNS rebinding, where a
 * web page on an attacker's name that now resolves to 127.0.0.1 reads a loopback server's answers
 * (the browser sends the attacker's name as Host). Bound to a loopback address, the server accepts
 * only loopback names (localhost and *.localhost, 127.x.y.z, [::1]; any port) plus the names given
 * with {@code --allowed-hosts}; bound elsewhere it accepts any Host unless names were given.
 * {@code *} in the list accepts any. A request without Host (HTTP/1.0) is not from a browser and passes.
 */
public final class HostCheck {
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final boolean enforced;
    private final Set<String> allowed;

    private HostCheck(boolean enforced, Set<String> allowed) {
        this.enforced = enforced;
        this.allowed = allowed;
    }

    /** The check for a server bound to {@code bindHost} with {@code allowedHosts} from the command line. */
    public static HostCheck of(String bindHost, List<String> allowedHosts) {
        Set<String> names = allowedHosts.stream().map(HostCheck::name).filter(n -> !n.isEmpty()).collect(Collectors.toSet());
        if (names.contains("*")) {
            return new HostCheck(false, names);
        }
        return new HostCheck(!names.isEmpty() || loopback(bindHost), names);
    }

    /** Whether a request with this {@code Host} header value (null when absent) may be answered. */
    public boolean accepts(String hostHeader) {
        if (!enforced || hostHeader == null) {
            return true;
        }
        String name = name(hostHeader);
        return isLoopbackName(name) || allowed.contains(name);
    }

    /** The names accepted, for the error message. */
    public String describe() {
        String extra = allowed.isEmpty() ? "" : ", " + String.join(", ", allowed.stream().sorted().toList());
        return "localhost, 127.0.0.1, [::1]" + extra;
    }

    /** The host part of a Host header value, lower case, without port or trailing dot. */
    public static String name(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && colon == h.lastIndexOf(':')) {
            h = h.substring(0, colon); // name:port; more than one colon is a bare IPv6 address
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean isLoopbackName(String name) {
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
                || IPV4_LOOPBACK.matcher(name).matches();
    }

    private static boolean loopback(String bindHost) {
        try {
            return InetAddress.getByName(bindHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true; // it cannot be bound either; the stricter answer costs nothing
        }
    }
}
