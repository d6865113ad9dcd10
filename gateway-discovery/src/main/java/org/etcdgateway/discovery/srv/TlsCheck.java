package org.etcdgateway.discovery.srv;

import java.io.IOException;
import java.net.InetSocketAddress;

/** Decides whether a secure target may be used: the TLS part of this provider, behind a seam for tests. */
@FunctionalInterface
interface TlsCheck {

    /**
     * Returns quietly when the server at {@code address} passes for {@code name}.
     *
     * @param name    the target's name, which the certificate must carry
     * @param address where to connect: the name's address as resolved through the configured DNS
     *                servers, or unresolved for the system's resolvers to resolve
     * @throws IOException saying why it does not pass: it cannot be reached, or its certificate
     *                     does not chain to the trusted CAs, or does not name {@code name}
     */
    void check(String name, InetSocketAddress address) throws IOException;
}
