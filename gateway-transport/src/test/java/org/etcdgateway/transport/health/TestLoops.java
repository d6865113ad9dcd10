package org.etcdgateway.transport.health;

import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.io.IoRuntime;

/** What a transport gives its health checks, made for a test: one event loop and a DNS resolver. */
final class TestLoops implements AutoCloseable {

    /** Far above any check's timeout here: a verdict that takes this long is a bug, not a slow machine. */
    private static final Duration VERDICT_BOUND = Duration.ofSeconds(10);

    final IoRuntime io = IoRuntime.best();
    final EventLoopGroup group = io.newEventLoopGroup(1, "health-test");
    final DnsAddressResolverGroup resolver = io.newResolverGroup();

    TcpHealthCheck tcp(Duration timeout) {
        return new TcpHealthCheck(io, group, resolver, timeout);
    }

    HttpHealthCheck http(Duration timeout) {
        return new HttpHealthCheck(io, group, resolver, timeout);
    }

    /** The verdict of one check of {@code endpoint}; fails the test if none comes. */
    static HealthResult verdict(HealthCheck check, Endpoint endpoint) throws Exception {
        CompletionStage<HealthResult> verdict = check.check(endpoint);
        return verdict.toCompletableFuture().get(VERDICT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
