package org.etcdgateway.transport.health;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.io.IoRuntime;
import org.etcdgateway.transport.io.Lazy;

/**
 * {@code http}: asks the member's own {@code GET /health}, over HTTPS when the endpoint is
 * {@linkplain Endpoint#secure() secure}, and calls it healthy only when it answers 200 with
 * {@code {"health":"true"}}. etcd answers so only when the member can serve: a member that is
 * hung times out, and one without a leader or with an alarm (such as {@code NOSPACE}) answers
 * {@code {"health":"false"}}, so all of these leave rotation.
 *
 * <p>One check is one connection: connect, TLS handshake, request, answer, all within the
 * timeout, and the connection is closed whatever the outcome. The request is {@code GET /health
 * HTTP/1.1} with {@code Host} and {@code Connection: close}; an answer body larger than
 * {@value #MAX_BODY_BYTES} bytes fails the check.
 *
 * <p>TLS: by default any server certificate is accepted, and none is checked against the
 * endpoint's name. The check sends nothing secret and only reads whether the member says it is
 * healthy; clients verify the member themselves on their own connections (the {@code tcp}
 * transport forwards TLS untouched). A forged answer can only make a member look healthy or
 * unhealthy, which whoever can forge it can do anyway by passing or dropping its traffic. The
 * server name (SNI) is the endpoint's host when it is a domain name. A member that requires
 * client certificates ({@code --client-cert-auth}) refuses the handshake unless the
 * {@link SslContext} given carries one; without one, use {@code tcp} checks for such members.
 */
public final class HttpHealthCheck implements HealthCheck {

    /** etcd's answer is a few dozen bytes; anything far larger is not etcd. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final EventLoopGroup group;
    private final Dialer dialer;
    private final Duration timeout;
    /** Made when a secure endpoint is first checked: Netty's TLS set-up reads the JDK's trust store, a quarter second at start-up. */
    private final Supplier<SslContext> tls;

    /**
     * With a TLS client that accepts any server certificate, as the class describes.
     *
     * @param io       the channel types of {@code group}
     * @param group    where the checks run
     * @param resolver resolves host names when dialled, honouring DNS TTLs
     * @param timeout  how long a check may take, connect to answer, more than 0
     */
    public HttpHealthCheck(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Duration timeout) {
        this(io, group, resolver, timeout, new Lazy<>(HttpHealthCheck::trustingAnyCertificate));
    }

    /** With {@code tls} for secure endpoints: a client context, for example one with a client certificate. */
    public HttpHealthCheck(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Duration timeout, SslContext tls) {
        this(io, group, resolver, timeout, client(tls));
    }

    private static Supplier<SslContext> client(SslContext tls) {
        Objects.requireNonNull(tls, "tls");
        if (!tls.isClient()) {
            throw new IllegalArgumentException("tls: a server context (expected: a client context)");
        }
        return () -> tls;
    }

    private HttpHealthCheck(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Duration timeout,
                            Supplier<SslContext> tls) {
        this.group = Objects.requireNonNull(group, "group");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.tls = tls;
        this.dialer = new Dialer(io, io.newDialTemplate(resolver, timeout));
    }

    /** A TLS client context that accepts any server certificate for any name. */
    private static SslContext trustingAnyCertificate() {
        try {
            return SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot make the TLS client for health checks: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<HealthResult> check(Endpoint endpoint) {
        return Attempt.run(group, timeout, attempt -> {
            ChannelFuture dial = dialer.dial(attempt.loop(), endpoint, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    if (endpoint.secure()) {
                        channel.pipeline().addLast(tls.get().newHandler(channel.alloc(), endpoint.host(), endpoint.port()));
                    }
                    channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY_BYTES),
                            new HealthRequestHandler(endpoint, attempt));
                }
            });
            attempt.attach(dial.channel());
            dial.addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess()) {
                    attempt.fail(future.cause());
                }
            });
        });
    }
}
