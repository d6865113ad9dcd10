package org.etcdgateway.transport.base;

import java.time.Duration;
import java.util.List;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.transport.health.HealthSettings;

/** What the settings of every transport on {@link NettyTransport} have in common. */
public interface TransportSettings {

    /** Where clients connect; port 0 binds a free port. */
    List<HostAndPort> listenAddresses();

    /** Network threads; 0 means one per available processor. */
    int ioThreads();

    /** The I/O engine: {@code auto} (the fastest this machine runs) or one of {@code IoRuntime.ENGINES}. */
    String ioEngine();

    /** How long a dial to an endpoint may take before the next one is tried. */
    Duration dialTimeout();

    /** How long an endpoint whose dial failed stays out before it is dialled again. */
    Duration retryDelay();

    /** How long open connections may run on after a stop. */
    Duration drainTimeout();

    /** How the endpoints' health is checked. */
    HealthSettings health();

    /** The thread count to use: {@link #ioThreads()}, or the processor count when that is 0. */
    default int effectiveIoThreads() {
        return ioThreads() > 0 ? ioThreads() : Runtime.getRuntime().availableProcessors();
    }
}
