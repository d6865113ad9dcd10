package org.etcdgateway.api.transport;

import java.net.InetSocketAddress;
import java.util.List;
import org.etcdgateway.api.Endpoint;

/**
 * Accepts client connections and forwards them to the endpoints its policy picks.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()} once. The transport keeps the state
 * of each endpoint (usable, or failed and waiting to be retried) and passes only the usable ones
 * to the policy.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts the endpoint discovery, binds the listeners and begins forwarding.
     *
     * @throws TransportException when it cannot (an address in use, an endpoint that would loop
     *                            back to this gateway, no endpoint found); nothing is left bound
     */
    void start() throws TransportException;

    /** The bound addresses, with the real port where port 0 was asked for. Empty before start. */
    List<InetSocketAddress> listenAddresses();

    /** The endpoints known now, usable or not. */
    List<Endpoint> endpoints();

    /** The state of every endpoint known now, in the discovery's order. Empty before start. */
    List<EndpointStatus> endpointStatus();

    /**
     * Stops gracefully: stops accepting at once, lets open connections finish for up to the
     * transport's drain timeout, closes what is left, then stops the discovery. Blocks until done.
     */
    @Override
    void close();
}
