package org.etcdgateway.transport.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/** The client side's metrics: connections accepted, and open now. */
public final class ClientMetrics {

    private final Counter accepted;

    /** @param open the client connections open at the moment of a scrape */
    public ClientMetrics(PrometheusRegistry registry, IntSupplier open) {
        accepted = Counter.builder()
                .name("etcd_gateway_client_connections_total")
                .help("Client connections accepted.")
                .withoutExemplars()
                .register(registry);
        GaugeWithCallback.builder()
                .name("etcd_gateway_client_connections_active")
                .help("Client connections open now.")
                .callback(callback -> callback.call(open.getAsInt()))
                .register(registry);
    }

    /** A client connection was accepted. */
    public void accepted() {
        accepted.inc();
    }
}
