package org.etcdgateway.cli;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
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
    void start(long startNanos) throws TransportException {
        try {
            transport.start();
        } catch (TransportException e) {
            discoveryScheduler.shutdownNow();
            throw e;
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
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
        return addresses.stream().map(Gateway::format).collect(Collectors.joining(","));
    }

    static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }
}
