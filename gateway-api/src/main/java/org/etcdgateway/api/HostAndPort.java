package org.etcdgateway.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host and a port as etcd's flags spell them: {@code host:port}, with an IPv6 literal in
 * brackets ({@code [::1]:2379}). The host is kept as written (a name is resolved when it is
 * dialled, never here), except that IPv6 brackets are removed.
 *
 * @param host a host name, an IPv4 literal or an IPv6 literal without brackets
 * @param port 0 to 65535; 0 means "any free port" where a listener is meant
 */
public record HostAndPort(String host, int port) {

    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    public HostAndPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: \"\" (expected: a host name or an IP address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws AddressFormatException naming the text and what was expected
     */
    public static HostAndPort parse(String text) {
        Objects.requireNonNull(text, "text");
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(text, "a closing ']' after the IPv6 address, as in [::1]:2379");
            }
            host = text.substring(1, close);
            if (!IPV6_LITERAL.matcher(host).matches() || !host.contains(":")) {
                throw invalid(text, "an IPv6 address inside the brackets, as in [::1]:2379");
            }
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                throw invalid(text, "a port after the address, as in [::1]:2379");
            }
            if (!rest.startsWith(":")) {
                throw invalid(text, "':' and a port after ']', as in [::1]:2379");
            }
            portText = rest.substring(1);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw invalid(text, "host:port with a port, as in 127.0.0.1:2379");
            }
            if (text.indexOf(':') != colon) {
                throw invalid(text, "an IPv6 address in brackets, as in [::1]:2379");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
            if (host.isEmpty()) {
                throw invalid(text, "a host before the port, as in 127.0.0.1:2379");
            }
            if (!HOST_NAME.matcher(host).matches()) {
                throw invalid(text, "a host name or an IPv4 address before the port");
            }
        }
        return new HostAndPort(host, parsePort(text, portText));
    }

    private static int parsePort(String text, String portText) {
        if (portText.isEmpty()) {
            throw invalid(text, "a port after ':', as in 127.0.0.1:2379");
        }
        if (portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text, "a port number from 0 to 65535, not \"" + portText + "\"");
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw invalid(text, "a port number from 0 to 65535, not " + port);
        }
        return port;
    }

    private static AddressFormatException invalid(String text, String expected) {
        return new AddressFormatException(text, expected);
    }

    /**
     * The address a socket is bound or connected to: its IP literal when resolved (IPv6 in the
     * short form of RFC 5952, without a zone), else its host name.
     */
    public static HostAndPort of(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return new HostAndPort(address.getHostString(), address.getPort());
        }
        return new HostAndPort(ip instanceof Inet6Address ? shortIpv6(ip.getAddress()) : ip.getHostAddress(), address.getPort());
    }

    /** {@code ::1} rather than {@code 0:0:0:0:0:0:0:1}: the longest run of two or more zero groups becomes {@code ::}. */
    private static String shortIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** True when the host is an IPv6 literal, which needs brackets in {@code host:port} form. */
    public boolean isIpv6Literal() {
        return host.indexOf(':') >= 0;
    }

    /** {@code host:port}, with brackets around an IPv6 literal; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return isIpv6Literal() ? "[" + host + "]:" + port : host + ":" + port;
    }
}
