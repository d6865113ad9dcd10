package org.etcdgateway.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Named;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.transport.Transport;
import org.etcdgateway.api.transport.TransportContext;

/** Wires the chosen providers into one gateway. The only place that knows how the parts fit. */
final class GatewayModule extends AbstractModule {

    private final GatewayPlan plan;

    GatewayModule(GatewayPlan plan) {
        this.plan = plan;
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();
        bind(GatewayPlan.class).toInstance(plan);
        bind(Gateway.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    @Named("discovery")
    ScheduledExecutorService discoveryScheduler() {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "gateway-discovery");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Provides
    @Singleton
    EndpointDiscovery discovery(GatewayPlan plan, @Named("discovery") ScheduledExecutorService scheduler) {
        DiscoveryContext context = () -> scheduler;
        return plan.discoveryFactory().apply(context);
    }

    @Provides
    @Singleton
    LoadBalancingPolicy policy(GatewayPlan plan) {
        return plan.policyFactory().get();
    }

    /** Every metric of this gateway; the admin endpoint serves it. */
    @Provides
    @Singleton
    PrometheusRegistry metrics() {
        return new PrometheusRegistry();
    }

    @Provides
    @Singleton
    Transport transport(GatewayPlan plan, EndpointDiscovery discovery, LoadBalancingPolicy policy, PrometheusRegistry metrics) {
        Transport transport = plan.transportFactory().apply(new TransportContext(discovery, policy, metrics));
        // The first lookup (a member list over HTTP takes 150 to 200 ms in a fresh JVM) runs from
        // here while the transport makes its event loops and binds. Not before the transport is
        // made: that loads Netty's native library, whose loading initialises Java classes while
        // it holds the JVM's native-library lock, and a lookup initialising InetAddress on the
        // discovery thread at that moment waits for the lock while holding what the loading
        // needs: both threads hang (JDK 17).
        discovery.prepare();
        return transport;
    }
}
