package io.gkm.verifier.oci;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plain-HTTP rule: HTTPS everywhere, except registries on a loopback address and those listed
 * in {@link RegistrySettings#INSECURE_REGISTRIES}. Applied to every URL before it is requested,
 * including redirects, upload locations and token realms, so a registry cannot talk us into
 * sending credentials or fetching content in clear text elsewhere.
 */
final class TransportPolicy {
    /** An insecure-registry entry: {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
    static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
    static final String ENTRY_FORM = "host or host:port, without scheme or path";

    private final Set<String> insecure;

    /** @param insecureRegistries entries {@code host} (any port) or {@code host:port} */
    TransportPolicy(Collection<String> insecureRegistries) {
        Set<String> entries = new HashSet<>();
        for (String entry : insecureRegistries) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (!ENTRY.matcher(e).matches()) {
                throw new IllegalArgumentException("insecure registry '" + entry + "' must be " + ENTRY_FORM);
            }
            entries.add(e);
        }
        this.insecure = Set.copyOf(entries);
    }

    /** {@code http} for a loopback or listed registry ({@code host} or {@code host:port}), else {@code https}. */
    String scheme(String hostPort) {
        String h = host(hostPort).toLowerCase(Locale.ROOT);
        boolean plain = isLoopback(h) || insecure.contains(h) || insecure.contains(hostPort.toLowerCase(Locale.ROOT));
        return plain ? "http" : "https";
    }

    /** Throws INSECURE_REFUSED for plain HTTP to a host that may not have it, and for other schemes. */
    void check(URI uri, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        if (!scheme.equals("http")) {
            throw new RegistryException(RegistryException.Reason.INSECURE_REFUSED,
                    what + ": refusing " + uri + ": only https (or http to an allowed registry) is used");
        }
        String host = stripBrackets(uri.getHost() == null ? "" : uri.getHost());
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        if (!plainHttpAllowed(host, port)) {
            throw new RegistryException(RegistryException.Reason.INSECURE_REFUSED,
                    what + ": refusing plain HTTP to " + uri.getAuthority() + " (" + uri + "): it is not a loopback "
                            + "address; if you trust the network to it, list it in "
                            + RegistrySettings.INSECURE_REGISTRIES.envVar() + " (or "
                            + RegistrySettings.INSECURE_REGISTRIES.flag() + ")");
        }
    }

    private boolean plainHttpAllowed(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        String withPort = (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
        return isLoopback(h) || insecure.contains(h) || insecure.contains(withPort)
                || (port == 80 && insecure.contains(h.contains(":") ? "[" + h + "]" : h));
    }

    /**
     * {@code localhost} or a loopback IP literal. Host names are never resolved here: a DNS answer
     * must not decide whether we talk in clear text.
     */
    static boolean isLoopback(String host) {
        String h = stripBrackets(host).toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        boolean ipLiteral = h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (h.contains(":") && h.matches("[0-9a-f:.]+"));
        if (!ipLiteral) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Host of {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}, without brackets. */
    static String host(String hostPort) {
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end < 0 ? hostPort : hostPort.substring(1, end);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
