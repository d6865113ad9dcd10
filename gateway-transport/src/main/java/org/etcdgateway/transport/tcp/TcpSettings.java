package org.etcdgateway.transport.tcp;

import java.time.Duration;
import java.util.Objects;
import org.etcdgateway.api.HostAndPort;

/**
 * The {@code tcp} transport's settings, read from {@code gateway.transport.tcp}.
 *
 * @param listenAddress where clients connect; port 0 binds a free port
 * @param dialTimeout   how long a dial to an endpoint may take before the next one is tried
 * @param retryDelay    how long a failed endpoint waits before it is dialled again
 * @param drainTimeout  how long open connections may run on after a stop
 * @param ioThreads     network threads; 0 means one per available processor
 */
public record TcpSettings(HostAndPort listenAddress, Duration dialTimeout, Duration retryDelay,
                          Duration drainTimeout, int ioThreads) {

    public TcpSettings {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /** The thread count to use: {@link #ioThreads()}, or the processor count when that is 0. */
    int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
}
