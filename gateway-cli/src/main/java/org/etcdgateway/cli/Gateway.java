package org.etcdgateway.cli;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.api.transport.Transport;
import org.etcdgateway.api.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running gateway: the transport and what it was assembled from. */
final class Gateway {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private GatewayPlan plan;
    private final Transport transport;
    private final ScheduledExecutorService discoveryScheduler;
    private final PrometheusRegistry metrics;
    private AdminServer admin;

    @Inject
    Gateway(GatewayPlan plan, Transport transport, @Named("discovery") ScheduledExecutorService discoveryScheduler,
            PrometheusRegistry metrics) {
        this.plan = plan;
        this.transport = transport;
        this.discoveryScheduler = discoveryScheduler;
        this.metrics = metrics;
    }

    /** Starts forwarding and the admin endpoint, and logs the one line that says so. */
    void start() throws TransportException {
        try {
            transport.start();
        } catch (TransportException e) {
            discoveryScheduler.shutdownNow();
            throw e;
        }
        if (plan.adminAddress() != null) {
            try {
                admin = AdminServer.start(plan.adminAddress(), metrics, transport);
            } catch (IOException | RuntimeException e) {
                stop();
                throw new TransportException("cannot serve the admin endpoint on " + plan.adminAddress() + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + " (set --admin-addr to a free address, or off)", e);
            }
        }
        long millis = ProcessAge.millis();
        log.info("ready: listening on {}, endpoints {} (transport {}, policy {}, discovery {}; admin {}; started in {} ms)",
                listenAddresses(), transport.endpoints(), plan.transportName(), plan.policyName(),
                plan.discoveryName(), admin == null ? "off" : "http://" + HostAndPort.of(admin.address()), millis);
    }

    /**
     * Applies a reloaded configuration: endpoints, discovery, policy, health checks and timeouts
     * change without dropping a connection in flight.
     *
     * @throws TransportException when something changed that needs a restart, or the new
     *                            discovery cannot start; the gateway then runs on as it was
     */
    synchronized void reload(GatewayPlan next) throws TransportException {
        List<String> fixed = new ArrayList<>();
        if (!next.transportName().equals(plan.transportName())) {
            fixed.add("gateway.transport.provider (" + plan.transportName() + " -> " + next.transportName() + ")");
        }
        if (!Objects.equals(next.adminAddress(), plan.adminAddress())) {
            fixed.add("gateway.admin.listen-addr (" + describeAdmin(plan) + " -> " + describeAdmin(next) + ")");
        }
        if (!fixed.isEmpty()) {
            throw TransportException.misconfigured(String.join(" and ", fixed)
                    + " cannot change while the gateway runs; restart it to apply");
        }
        EndpointDiscovery discovery = next.discoveryFactory().apply(() -> discoveryScheduler);
        LoadBalancingPolicy policy = next.policyFactory().get();
        next.transportReconfigurer().reconfigure(transport, new TransportContext(discovery, policy, metrics));
        plan = next;
        log.info("reloaded: endpoints {} (policy {}, discovery {})", transport.endpoints(), plan.policyName(),
                plan.discoveryName());
    }

    private static String describeAdmin(GatewayPlan plan) {
        return plan.adminAddress() == null ? GatewayPlan.ADMIN_OFF : plan.adminAddress().toString();
    }

    /** Stops gracefully: see {@link Transport#close()}. */
    void stop() {
        if (admin != null) {
            admin.close();
        }
        transport.close();
        discoveryScheduler.shutdownNow();
    }

    private String listenAddresses() {
        List<InetSocketAddress> addresses = transport.listenAddresses();
        return addresses.stream().map(address -> HostAndPort.of(address).toString()).collect(Collectors.joining(","));
    }
}
