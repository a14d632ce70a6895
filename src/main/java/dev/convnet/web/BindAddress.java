package dev.convnet.web;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What is wrong with a {@code --host} before the server tries to bind it, so the user hears the real
 * cause instead of Javalin's "port already in use" for every bind failure: an address that is no
 * address at all (999.1.1.1, a name no resolver knows), or one that belongs to another machine.
 */
public final class BindAddress {
    private BindAddress() {
    }

    /** Why {@code host} cannot be bound on this machine, or empty when it can be tried. */
    public static Optional<String> problem(String host) {
        if (host == null || host.isBlank()) {
            return Optional.of("--host is empty; give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("--host " + host + " is not an IP address and no name this machine can resolve; "
                    + "use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of this machine's addresses"
                    + localAddresses());
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return Optional.empty();
        }
        try {
            if (NetworkInterface.getByInetAddress(address) == null) {
                return Optional.of("--host " + host + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
                        + " is not an address of this machine; use 127.0.0.1 (this machine only), 0.0.0.0 (every interface)"
                        + " or one of this machine's addresses" + localAddresses());
            }
        } catch (SocketException e) {
            return Optional.empty(); // cannot tell: let the bind itself say
        }
        return Optional.empty();
    }

    /**
     * Refuses a port another server holds before the models load, so that the user hears it at once
     * instead of after seconds of loading and warming up: binds it (with SO_REUSEADDR, as Jetty
     * does, so a port in TIME_WAIT passes) and lets go. Port 0 (any free one) and a bind that fails
     * for another reason are left to the server's own start, which says why.
     *
     * @throws ServerStartException when the port is in use, in the words the server's start uses
     */
    public static void refuseTakenPort(String host, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.net.BindException e) {
            if (isInUse(e)) {
                throw new ServerStartException(portInUse(host, port), e);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the server's own bind says what this is
        }
    }

    /** Whether a bind failed because another socket holds the address (the JDK's "Address already in use"). */
    static boolean isInUse(java.net.BindException e) {
        return String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("in use");
    }

    /** The line for a port another program holds. */
    static String portInUse(String host, int port) {
        return "port " + port + " on " + host + " is already in use; stop the other server or choose another with --port";
    }

    private static String localAddresses() {
        List<String> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && found.size() < 6) {
                        found.add(a.getHostAddress().replaceAll("%.*$", ""));
                    }
                }
            }
        } catch (SocketException e) {
            return "";
        }
        return found.isEmpty() ? "" : " (" + String.join(", ", found) + ")";
    }
}
