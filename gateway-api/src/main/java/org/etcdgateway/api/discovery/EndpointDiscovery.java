package org.etcdgateway.api.discovery;

import java.util.List;
import org.etcdgateway.api.Endpoint;

/**
 * A source of endpoint sets over time: a fixed list, DNS SRV records, the cluster's own member
 * list.
 *
 * <p>Each set replaces the one before. A discovery that cannot refresh keeps its last good set
 * and does not emit an empty one: an empty set would make the gateway refuse every client.
 */
public interface EndpointDiscovery extends AutoCloseable {

    /**
     * Called once, soon after the discovery is made, when {@link #start} is to follow: the
     * discovery may begin its first lookup here, without blocking, so that it runs while the
     * gateway does the rest of its start-up, and {@code start} then takes its result. Failures
     * are {@code start}'s to report. Ignored by default.
     */
    default void prepare() {
    }

    /**
     * Starts discovering. The first set is delivered to {@code listener} before this method
     * returns; later sets are delivered from any thread, one at a time, in order.
     *
     * @throws DiscoveryException when no endpoint can be found at start-up; the message says why
     */
    void start(Listener listener) throws DiscoveryException;

    /**
     * A hint that every known endpoint has failed: look again now rather than on the next
     * schedule. Must not block. Sources that cannot change ignore it.
     */
    default void refresh() {
    }

    /** Stops discovering; no set is delivered after this returns. */
    @Override
    void close();

    /** Receives the endpoint sets. */
    @FunctionalInterface
    interface Listener {

        /** The current endpoint set: non-empty, without duplicates, immutable. */
        void onEndpoints(List<Endpoint> endpoints);
    }
}
