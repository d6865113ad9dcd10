package org.etcdgateway.transport.http;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.transport.base.TransportSettings;
import org.etcdgateway.transport.health.HealthSettings;

/**
 * The {@code http} transport's settings, read from {@code gateway.transport.http}.
 *
 * @param listenAddresses where clients connect (from {@code http://host:port} URLs); port 0 binds a free port
 * @param readOnly        true for etcd's {@code --proxy readonly}: only GET is forwarded
 * @param failureWait     how long an endpoint that failed stays out of rotation before it is dialled again
 * @param dialTimeout     how long a connect to an endpoint may take
 * @param writeTimeout    how long sending a request to an endpoint may take; zero means no limit
 * @param readTimeout     how long an endpoint may stay silent while a response is awaited or
 *                        streamed; zero means no limit, so long-poll watches live
 * @param maxRequestBody  the largest request body in bytes; bodies are buffered so they can be replayed
 * @param maxIdleConnections keep-alive connections kept open per endpoint between requests; 0 closes each after its response
 * @param writesToLeader  true: writes (any method but GET and HEAD) and quorum GETs go to the cluster's leader when it
 *                        is known and usable
 * @param leaderCheckInterval how often the leader is asked for, when {@code writesToLeader}
 * @param drainTimeout    how long requests in flight may run on after a stop
 * @param ioThreads       network threads; 0 means one per available processor
 * @param ioEngine        the I/O engine: auto, io_uring, epoll or nio
 * @param health          how the endpoints' health is checked
 */
public record HttpSettings(List<HostAndPort> listenAddresses, boolean readOnly, Duration failureWait,
                           Duration dialTimeout, Duration writeTimeout, Duration readTimeout,
                           int maxRequestBody, int maxIdleConnections, boolean writesToLeader,
                           Duration leaderCheckInterval, Duration drainTimeout, int ioThreads, String ioEngine,
                           HealthSettings health)
        implements TransportSettings {

    /** How often the leader is asked for unless a setting says otherwise. */
    public static final Duration DEFAULT_LEADER_CHECK_INTERVAL = Duration.ofSeconds(5);

    /** With the fastest I/O engine this machine runs, and every request routed by the policy alone. */
    public HttpSettings(List<HostAndPort> listenAddresses, boolean readOnly, Duration failureWait, Duration dialTimeout,
                        Duration writeTimeout, Duration readTimeout, int maxRequestBody, int maxIdleConnections,
                        Duration drainTimeout, int ioThreads, HealthSettings health) {
        this(listenAddresses, readOnly, failureWait, dialTimeout, writeTimeout, readTimeout, maxRequestBody,
                maxIdleConnections, false, DEFAULT_LEADER_CHECK_INTERVAL, drainTimeout, ioThreads, "auto", health);
    }

    public HttpSettings {
        Objects.requireNonNull(ioEngine, "ioEngine");
        listenAddresses = List.copyOf(listenAddresses);
        if (listenAddresses.isEmpty()) {
            throw new IllegalArgumentException("listenAddresses: [] (expected: at least one address)");
        }
        Objects.requireNonNull(failureWait, "failureWait");
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(leaderCheckInterval, "leaderCheckInterval");
        if (leaderCheckInterval.isNegative() || leaderCheckInterval.isZero()) {
            throw new IllegalArgumentException("leaderCheckInterval: " + leaderCheckInterval + " (expected: more than 0)");
        }
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (maxRequestBody < 0) {
            throw new IllegalArgumentException("maxRequestBody: " + maxRequestBody + " (expected: >= 0)");
        }
        if (maxIdleConnections < 0) {
            throw new IllegalArgumentException("maxIdleConnections: " + maxIdleConnections + " (expected: >= 0)");
        }
        Objects.requireNonNull(health, "health");
    }

    /** etcd's name for it: how long a failed endpoint stays out before it is dialled again. */
    @Override
    public Duration retryDelay() {
        return failureWait;
    }
}
