package org.etcdgateway.transport.health;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.io.IoRuntime;

/**
 * {@code tcp}: an endpoint is healthy when a TCP connection to it is made within the timeout
 * (name resolution included); the connection is closed at once, without a byte sent.
 *
 * <p>This tells a member that is gone (connection refused, host unreachable) or black-holed
 * (timed out), but not one that is hung: the kernel of a stopped or deadlocked process still
 * accepts connections. {@link HttpHealthCheck} tells those too.
 */
public final class TcpHealthCheck implements HealthCheck {

    private final EventLoopGroup group;
    private final Dialer dialer;
    private final Duration timeout;

    /**
     * @param io       the channel types of {@code group}
     * @param group    where the checks run
     * @param resolver resolves host names when dialled, honouring DNS TTLs
     * @param timeout  how long a check may take, more than 0
     */
    public TcpHealthCheck(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Duration timeout) {
        this.group = Objects.requireNonNull(group, "group");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.dialer = new Dialer(io, io.newDialTemplate(resolver, timeout));
    }

    @Override
    public CompletionStage<HealthResult> check(Endpoint endpoint) {
        return Attempt.run(group, timeout, HealthResult::unhealthy, attempt -> {
            ChannelFuture dial = dialer.dial(attempt.loop(), endpoint, new ChannelInboundHandlerAdapter());
            attempt.attach(dial.channel());
            dial.addListener((ChannelFutureListener) future -> {
                if (future.isSuccess()) {
                    attempt.finish(HealthResult.healthy("connected"));
                } else {
                    attempt.fail(future.cause());
                }
            });
        });
    }
}
