package org.etcdgateway.transport.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;
import org.etcdgateway.api.transport.EndpointStatus;

/**
 * The per-endpoint metrics both transports keep, labelled {@code endpoint="host:port"}.
 *
 * <p>Counters are looked up once per endpoint ({@link #of}) and the handle kept, so that counting
 * on the data path is an add to a striped counter and nothing else. Gauges (connections open,
 * usable, healthy) are read from the endpoint state when scraped, so they cost nothing between
 * scrapes and never disagree with {@code /endpoints}.
 */
public final class EndpointMetrics {

    private final Counter connections;
    private final Counter receivedBytes;
    private final Counter sentBytes;
    private final Counter dialFailures;
    private final Counter picks;
    private final Counter healthChecks;

    /**
     * Registers the metrics with {@code registry}.
     *
     * @param status the endpoint state at the moment of a scrape
     */
    public EndpointMetrics(PrometheusRegistry registry, Supplier<List<EndpointStatus>> status) {
        connections = counter(registry, "etcd_gateway_endpoint_connections_total",
                "Connections opened to the endpoint (L4: one per client connection; L7: pooled keep-alive connections).");
        receivedBytes = counter(registry, "etcd_gateway_endpoint_received_bytes_total",
                "Bytes received from the endpoint and relayed to clients (L4).");
        sentBytes = counter(registry, "etcd_gateway_endpoint_sent_bytes_total",
                "Bytes relayed from clients to the endpoint (L4).");
        dialFailures = counter(registry, "etcd_gateway_endpoint_dial_failures_total",
                "Dials to the endpoint that failed: refused, timed out or unreachable.");
        picks = counter(registry, "etcd_gateway_endpoint_picks_total",
                "Times the policy chose the endpoint for a new connection (L4) or request (L7).");
        healthChecks = Counter.builder()
                .name("etcd_gateway_health_checks_total")
                .help("Health checks of the endpoint, by result (healthy or unhealthy).")
                .labelNames("endpoint", "result")
                .withoutExemplars()
                .register(registry);
        GaugeWithCallback.builder()
                .name("etcd_gateway_endpoint_connections_active")
                .help("Connections to the endpoint open now.")
                .labelNames("endpoint")
                .callback(callback -> status.get().forEach(endpoint ->
                        callback.call(endpoint.activeConnections(), endpoint.endpoint().authority())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("etcd_gateway_endpoint_usable")
                .help("1 when new connections or requests may go to the endpoint, 0 when it is out of rotation.")
                .labelNames("endpoint")
                .callback(callback -> status.get().forEach(endpoint ->
                        callback.call(endpoint.usable() ? 1 : 0, endpoint.endpoint().authority())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("etcd_gateway_endpoint_healthy")
                .help("1 when the endpoint's health checks say healthy, 0 when unhealthy; absent while unchecked.")
                .labelNames("endpoint")
                .callback(callback -> status.get().forEach(endpoint -> {
                    switch (endpoint.health()) {
                        case HEALTHY -> callback.call(1, endpoint.endpoint().authority());
                        case UNHEALTHY -> callback.call(0, endpoint.endpoint().authority());
                        default -> {
                        }
                    }
                }))
                .register(registry);
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help) {
        return Counter.builder().name(name).help(help).labelNames("endpoint").withoutExemplars().register(registry);
    }

    /** The counters of the endpoint known as {@code authority} ({@code host:port}). */
    public Counters of(String authority) {
        return new Counters(connections.labelValues(authority), receivedBytes.labelValues(authority),
                sentBytes.labelValues(authority), dialFailures.labelValues(authority), picks.labelValues(authority),
                healthChecks.labelValues(authority, "healthy"), healthChecks.labelValues(authority, "unhealthy"));
    }

    /** Drops the series of an endpoint that is gone, so that they do not pile up as members come and go. */
    public void forget(String authority) {
        for (Counter counter : List.of(connections, receivedBytes, sentBytes, dialFailures, picks)) {
            counter.remove(authority);
        }
        healthChecks.remove(authority, "healthy");
        healthChecks.remove(authority, "unhealthy");
    }

    /** One endpoint's counters, each a cached data point. */
    public record Counters(CounterDataPoint connections, CounterDataPoint receivedBytes, CounterDataPoint sentBytes,
                           CounterDataPoint dialFailures, CounterDataPoint picks, CounterDataPoint healthyChecks,
                           CounterDataPoint unhealthyChecks) {
    }
}
