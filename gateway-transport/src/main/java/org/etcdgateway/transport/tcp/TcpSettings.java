package org.etcdgateway.transport.tcp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.transport.base.TransportSettings;
import org.etcdgateway.transport.health.HealthSettings;

/**
 * The {@code tcp} transport's settings, read from {@code gateway.transport.tcp}.
 *
 * @param listenAddress where clients connect; port 0 binds a free port
 * @param dialTimeout   how long a dial to an endpoint may take before the next one is tried
 * @param retryDelay    how long a failed endpoint waits before it is dialled again
 * @param drainTimeout  how long open connections may run on after a stop
 * @param ioThreads     network threads; 0 means one per available processor
 * @param ioEngine      the I/O engine: auto, io_uring, epoll or nio
 * @param health        how the endpoints' health is checked
 */
public record TcpSettings(HostAndPort listenAddress, Duration dialTimeout, Duration retryDelay,
                          Duration drainTimeout, int ioThreads, String ioEngine, HealthSettings health)
        implements TransportSettings {

    /** With the fastest I/O engine this machine runs. */
    public TcpSettings(HostAndPort listenAddress, Duration dialTimeout, Duration retryDelay, Duration drainTimeout,
                       int ioThreads, HealthSettings health) {
        this(listenAddress, dialTimeout, retryDelay, drainTimeout, ioThreads, "auto", health);
    }

    public TcpSettings {
        Objects.requireNonNull(ioEngine, "ioEngine");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(health, "health");
    }

    @Override
    public List<HostAndPort> listenAddresses() {
        return List.of(listenAddress);
    }
}
