package org.etcdgateway.transport.endpoints;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a transport's {@link EndpointPool} from its discovery, leaving out endpoints that are the
 * transport's own listen addresses (forwarding to them would loop), and swaps the discovery for a
 * new one on a reload without a gap: the new one starts first, and only once it has found
 * endpoints is the old one stopped.
 */
public final class EndpointFeed implements AutoCloseable {

    /** When the first endpoint set, at start-up, is refused for looping back. */
    public enum StartupLoops {
        /** Any endpoint that loops back fails the start: the configuration names this gateway. */
        ANY,
        /** Only a set whose every endpoint loops back fails the start; others are dropped with a warning. */
        ALL
    }

    private static final Logger log = LoggerFactory.getLogger(EndpointFeed.class);

    private final EndpointPool pool;
    private final List<LoopGuard> guards;
    private final StartupLoops startupLoops;
    private volatile EndpointDiscovery current;
    /** Set while a discovery's first set is checked, so that a loop there fails its start. */
    private String refusedFirstSet;

    /** @param listenAddresses the transport's bound addresses, with their real ports */
    public EndpointFeed(EndpointPool pool, List<InetSocketAddress> listenAddresses, StartupLoops startupLoops) {
        this.pool = pool;
        this.guards = listenAddresses.stream().map(LoopGuard::new).toList();
        this.startupLoops = startupLoops;
    }

    /**
     * Starts {@code discovery} and feeds the pool from it; on a reload, then stops the one before.
     * When it cannot start, or its first set loops back to this gateway (see {@link StartupLoops}),
     * it is closed, and the discovery before it, if any, goes on.
     *
     * @throws TransportException why the discovery could not take over
     */
    public synchronized void start(EndpointDiscovery discovery) throws TransportException {
        EndpointDiscovery previous = current;
        current = discovery;
        refusedFirstSet = null;
        boolean[] first = {true};
        try {
            discovery.start(endpoints -> {
                if (current == discovery) {
                    accept(endpoints, first[0]);
                    first[0] = false;
                }
            });
        } catch (DiscoveryException e) {
            current = previous;
            discovery.close();
            throw new TransportException(e.getMessage(), e);
        }
        if (refusedFirstSet != null) {
            current = previous;
            discovery.close();
            throw TransportException.misconfigured(refusedFirstSet);
        }
        if (previous != null) {
            previous.close();
        }
    }

    private void accept(List<Endpoint> endpoints, boolean firstSet) {
        List<Endpoint> accepted = new ArrayList<>(endpoints.size());
        String lastLoop = null;
        for (Endpoint endpoint : endpoints) {
            Optional<String> loop = loopsBack(endpoint);
            if (loop.isEmpty()) {
                accepted.add(endpoint);
                continue;
            }
            lastLoop = loop.get();
            if (firstSet && startupLoops == StartupLoops.ANY) {
                refusedFirstSet = lastLoop;
                return;
            }
            log.warn("ignoring {}", lastLoop);
        }
        if (firstSet && accepted.isEmpty() && lastLoop != null) {
            refusedFirstSet = lastLoop;
            return;
        }
        pool.replace(accepted);
    }

    private Optional<String> loopsBack(Endpoint endpoint) {
        for (LoopGuard guard : guards) {
            Optional<String> loop = guard.loopsBack(endpoint);
            if (loop.isPresent()) {
                return loop;
            }
        }
        return Optional.empty();
    }

    /** Every endpoint failed: asks the discovery to look again now. */
    public void refresh() {
        EndpointDiscovery discovery = current;
        if (discovery != null) {
            discovery.refresh();
        }
    }

    /** Stops the discovery; the pool hears nothing more. */
    @Override
    public synchronized void close() {
        EndpointDiscovery discovery = current;
        current = null;
        if (discovery != null) {
            discovery.close();
        }
    }
}
