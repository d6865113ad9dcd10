package org.etcdgateway.transport.health;

import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.io.IoRuntime;

/**
 * Checks whether one endpoint is fit to get new connections or requests, once: the caller
 * decides how often, and how many verdicts in a row count.
 */
public interface HealthCheck {

    /**
     * Checks {@code endpoint} once. Callable from any thread; the work runs on an event loop.
     *
     * @return the verdict, within the check's timeout (and the time an event loop takes to notice
     *         it); it never completes exceptionally: a failure is an unhealthy verdict that says why
     */
    CompletionStage<HealthResult> check(Endpoint endpoint);

    /**
     * The check that {@code settings} choose, on {@code group}'s event loops (of {@code io}'s
     * channel types), with host names resolved by {@code resolver} when dialled; empty for
     * {@link HealthSettings.Check#NONE}.
     */
    static Optional<HealthCheck> of(HealthSettings settings, IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver) {
        return switch (settings.check()) {
            case NONE -> Optional.empty();
            case TCP -> Optional.of(new TcpHealthCheck(io, group, resolver, settings.timeout()));
            case HTTP -> Optional.of(new HttpHealthCheck(io, group, resolver, settings.timeout()));
        };
    }
}
