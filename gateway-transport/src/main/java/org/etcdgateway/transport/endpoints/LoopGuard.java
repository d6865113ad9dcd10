package org.etcdgateway.transport.endpoints;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import org.etcdgateway.api.Endpoint;

/** Finds endpoints that are the gateway's own listen address: forwarding to them would loop. */
public final class LoopGuard {

    private final InetSocketAddress listenAddress;

    /** @param listenAddress the bound address, with its real port */
    public LoopGuard(InetSocketAddress listenAddress) {
        this.listenAddress = listenAddress;
    }

    /** Why {@code endpoint} loops back to this gateway, or empty when it does not (or cannot be resolved now). */
    public Optional<String> loopsBack(Endpoint endpoint) {
        if (endpoint.port() != listenAddress.getPort()) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(endpoint.host());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        InetAddress bound = listenAddress.getAddress();
        for (InetAddress address : addresses) {
            if (address.equals(bound) || (bound.isAnyLocalAddress() && isLocal(address))) {
                return Optional.of("endpoint " + endpoint + " is this gateway's own listen address "
                        + listenAddress.getHostString() + ":" + listenAddress.getPort() + " (forwarding to it would loop)");
            }
        }
        return Optional.empty();
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
