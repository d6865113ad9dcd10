package org.etcdgateway.api;

import java.util.Locale;
import java.util.Objects;

/**
 * One etcd member's client address as the gateway forwards to it: an immutable value.
 *
 * <p>Two endpoints are equal when every field is equal, so an endpoint whose weight or priority
 * changes in a new discovery answer is a new endpoint.
 *
 * @param host     host name or IP literal (IPv6 without brackets); names are resolved when dialled
 * @param port     1 to 65535
 * @param secure   true when the member serves TLS on this address ({@code https://}, or an
 *                 {@code _etcd-client-ssl} SRV record); the L4 transport forwards TLS untouched
 * @param priority lower is preferred, as in SRV records; 0 when the source has no notion of it
 * @param weight   relative share within one priority tier, at least 1
 * @param source   where the endpoint came from, for logs and the admin view, e.g. {@code static}
 */
public record Endpoint(String host, int port, boolean secure, int priority, int weight, String source) {

    /** The weight of an endpoint whose source does not give one. */
    public static final int DEFAULT_WEIGHT = 1;

    public Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: \"\" (expected: a host name or an IP address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
        }
        if (priority < 0) {
            throw new IllegalArgumentException("priority: " + priority + " (expected: >= 0)");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
    }

    /** A plain endpoint with default priority and weight. */
    public static Endpoint of(String host, int port, String source) {
        return new Endpoint(host, port, false, 0, DEFAULT_WEIGHT, source);
    }

    /**
     * Parses an endpoint as etcd's {@code --endpoints} takes it: {@code host:port},
     * {@code [ipv6]:port}, optionally behind {@code http://} or {@code https://} (which sets
     * {@link #secure()}) and followed by a single {@code /}.
     *
     * @throws AddressFormatException naming the text and what was expected
     */
    public static Endpoint parse(String text, String source) {
        Objects.requireNonNull(text, "text");
        String rest = text.trim();
        boolean secure = false;
        int schemeEnd = rest.indexOf("://");
        if (schemeEnd >= 0) {
            String scheme = rest.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            switch (scheme) {
                case "http" -> secure = false;
                case "https" -> secure = true;
                default -> throw new AddressFormatException(text, "host:port, optionally after http:// or https://, not " + scheme + "://");
            }
            rest = rest.substring(schemeEnd + 3);
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
        }
        if (rest.isEmpty()) {
            throw new AddressFormatException(text, "host:port, as in 127.0.0.1:2379");
        }
        if (rest.indexOf('/') >= 0) {
            throw new AddressFormatException(text, "host:port without a path");
        }
        HostAndPort address;
        try {
            address = HostAndPort.parse(rest);
        } catch (AddressFormatException e) {
            throw new AddressFormatException(text, e.expected());
        }
        if (address.port() == 0) {
            throw new AddressFormatException(text, "a port from 1 to 65535, not 0");
        }
        return new Endpoint(address.host(), address.port(), secure, 0, DEFAULT_WEIGHT, source);
    }

    /** The address part of this endpoint. */
    public HostAndPort address() {
        return new HostAndPort(host, port);
    }

    /** {@code host:port}, with brackets around an IPv6 literal: how logs name an endpoint. */
    public String authority() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }

    // equals and hashCode written out: a record's own are linked through invokedynamic on first
    // use, which took 20 ms of the proxy's first member list in a fresh JVM.
    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof Endpoint that
                && port == that.port && secure == that.secure && priority == that.priority && weight == that.weight
                && host.equals(that.host) && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        int hash = host.hashCode();
        hash = 31 * hash + port;
        hash = 31 * hash + Boolean.hashCode(secure);
        hash = 31 * hash + priority;
        hash = 31 * hash + weight;
        return 31 * hash + source.hashCode();
    }
}
