package org.etcdgateway.transport.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.etcdgateway.api.Endpoint;

/**
 * The http transport's request metrics, under the names and labels etcd's v2 proxy used
 * ({@code etcd_proxy_*}), so that dashboards made for it keep working; and the leader it knows
 * ({@code etcd_gateway_leader}), which etcd's proxy had no notion of.
 */
public final class ProxyMetrics {

    /** Why a request got no answer from an endpoint, as etcd's proxy labels it. */
    public enum Dropped {
        /** No endpoint was usable: answered 503. */
        ZERO_ENDPOINTS("zero_endpoints"),
        /** Every endpoint tried failed before answering: answered 502. */
        FAILED_SENDING_REQUEST("failed_sending_request"),
        /** The endpoint broke off a response it had started. */
        FAILED_GETTING_RESPONSE("failed_getting_response");

        private final String label;

        Dropped(String label) {
            this.label = label;
        }
    }

    /** Methods beyond these are counted as {@code OTHER}, so that a client cannot mint series at will. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS");

    private final Counter requests;
    private final Counter handled;
    private final Counter dropped;
    private final Histogram duration;
    private final Map<String, MethodPoints> byMethod = new ConcurrentHashMap<>();

    public ProxyMetrics(PrometheusRegistry registry) {
        requests = Counter.builder()
                .name("etcd_proxy_requests_total")
                .help("Requests received, by method.")
                .labelNames("method")
                .withoutExemplars()
                .register(registry);
        handled = Counter.builder()
                .name("etcd_proxy_handled_total")
                .help("Requests answered by an endpoint to the end, by method and status code.")
                .labelNames("method", "code")
                .withoutExemplars()
                .register(registry);
        dropped = Counter.builder()
                .name("etcd_proxy_dropped_total")
                .help("Requests no endpoint answered, by method and why.")
                .labelNames("method", "proxying_error")
                .withoutExemplars()
                .register(registry);
        // etcd's buckets: 0.5 ms doubling up to about 2 s.
        duration = Histogram.builder()
                .name("etcd_proxy_handling_duration_seconds")
                .help("Time from a request's arrival to the end of its response, by method.")
                .labelNames("method")
                .classicOnly()
                .classicExponentialUpperBounds(0.0005, 2, 13)
                .withoutExemplars()
                .register(registry);
    }

    /**
     * Registers {@code etcd_gateway_leader}: 1, labelled with the endpoint, for the member the
     * proxy sends writes to as the cluster's leader; no sample while none is known.
     *
     * @param leader the leader now, or null; read at each scrape
     */
    public static void registerLeader(PrometheusRegistry registry, Supplier<Endpoint> leader) {
        GaugeWithCallback.builder()
                .name("etcd_gateway_leader")
                .help("1 for the endpoint known as the cluster's leader, where the v2 proxy sends writes; absent while none is known.")
                .labelNames("endpoint")
                .callback(callback -> {
                    Endpoint known = leader.get();
                    if (known != null) {
                        callback.call(1, known.authority());
                    }
                })
                .register(registry);
    }

    /** The method as a label value. */
    public static String method(String name) {
        return METHODS.contains(name) ? name : "OTHER";
    }

    public void received(String method) {
        of(method).requests.inc();
    }

    /** An endpoint's response reached its end, {@code nanos} after the request arrived. */
    public void handled(String method, int code, long nanos) {
        MethodPoints points = of(method);
        points.handled.computeIfAbsent(code, status -> handled.labelValues(method, Integer.toString(status))).inc();
        points.duration.observe(nanos / 1e9);
    }

    /** The data points of one method, found once: the library's label look-up costs a list and a hash per call. */
    private MethodPoints of(String method) {
        MethodPoints points = byMethod.get(method);
        return points != null ? points : byMethod.computeIfAbsent(method,
                name -> new MethodPoints(requests.labelValues(name), duration.labelValues(name), new ConcurrentHashMap<>()));
    }

    private record MethodPoints(CounterDataPoint requests, DistributionDataPoint duration,
                                Map<Integer, CounterDataPoint> handled) {
    }

    public void dropped(String method, Dropped why) {
        dropped.labelValues(method, why.label).inc();
    }
}
