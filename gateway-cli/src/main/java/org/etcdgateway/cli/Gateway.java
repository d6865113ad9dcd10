package org.etcdgateway.cli;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.transport.Transport;
import org.etcdgateway.api.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running gateway: the transport and what it was assembled from. */
final class Gateway {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayPlan plan;
    private final Transport transport;
    private final ScheduledExecutorService discoveryScheduler;

    @Inject
    Gateway(GatewayPlan plan, Transport transport, @Named("discovery") ScheduledExecutorService discoveryScheduler) {
        this.plan = plan;
        this.transport = transport;
        this.discoveryScheduler = discoveryScheduler;
    }

    /** Starts forwarding and logs the one line that says so. */
    void start() throws TransportException {
        try {
            transport.start();
        } catch (TransportException e) {
            discoveryScheduler.shutdownNow();
            throw e;
        }
        // From the process's start, JVM boot included: what an operator waiting on it sees.
        long millis = ProcessHandle.current().info().startInstant()
                .map(started -> Duration.between(started, Instant.now()).toMillis()).orElse(-1L);
        log.info("ready: listening on {}, endpoints {} (transport {}, policy {}, discovery {}; started in {} ms)",
                listenAddresses(), transport.endpoints(), plan.transportName(), plan.policyName(),
                plan.discoveryName(), millis);
    }

    /** Stops gracefully: see {@link Transport#close()}. */
    void stop() {
        transport.close();
        discoveryScheduler.shutdownNow();
    }

    private String listenAddresses() {
        List<InetSocketAddress> addresses = transport.listenAddresses();
        return addresses.stream().map(address -> HostAndPort.of(address).toString()).collect(Collectors.joining(","));
    }
}
