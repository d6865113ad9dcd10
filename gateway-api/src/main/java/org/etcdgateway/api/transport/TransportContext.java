package org.etcdgateway.api.transport;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.policy.LoadBalancingPolicy;

/**
 * The parts a transport is assembled with.
 *
 * @param discovery the endpoint source; the transport starts it and owns it from then on
 * @param policy    chooses among the endpoints the transport considers usable
 * @param metrics   where the transport registers its metrics, which the admin endpoint serves
 */
public record TransportContext(EndpointDiscovery discovery, LoadBalancingPolicy policy, PrometheusRegistry metrics) {

    public TransportContext {
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** With a registry of its own that nobody serves: for tests and embedding without metrics. */
    public TransportContext(EndpointDiscovery discovery, LoadBalancingPolicy policy) {
        this(discovery, policy, new PrometheusRegistry());
    }
}
