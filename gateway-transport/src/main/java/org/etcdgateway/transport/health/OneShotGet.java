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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.io.IoRuntime;
import org.etcdgateway.transport.io.Lazy;

/**
 * One {@code GET} to an endpoint on a connection of its own: connect, TLS handshake when the
 * endpoint is {@linkplain Endpoint#secure() secure}, request, answer, all within the timeout,
 * and the connection is closed whatever the outcome. The request is {@code GET path HTTP/1.1}
 * with {@code Host} and {@code Connection: close}; an answer body larger than
 * {@value #MAX_BODY_BYTES} bytes fails it. What the gateway asks etcd's members for itself (their
 * health, their leader), never a client's request.
 */
public final class OneShotGet {

    /** etcd's answers to these questions are a few hundred bytes; anything far larger is not etcd. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** One for the process: see {@link #trustingAnyCertificate()}. */
    private static final Lazy<SslContext> TRUSTING_ANY_CERTIFICATE = new Lazy<>(() -> {
        try {
            return SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot make the TLS client for requests to members: " + e.getMessage(), e);
        }
    });

    /** Enough of a body to tell what it is, short enough for a log line. */
    private static final int EXCERPT_CHARACTERS = 200;

    /** What the caller makes of an answer: its status and its whole body. */
    @FunctionalInterface
    public interface Reading<T> {
        T read(int status, byte[] body);
    }

    private final EventLoopGroup group;
    private final Dialer dialer;
    private final Duration timeout;
    private final Supplier<SslContext> tls;

    /**
     * @param io       the channel types of {@code group}
     * @param group    where the requests run
     * @param resolver resolves host names when dialled, honouring DNS TTLs
     * @param timeout  how long one request may take, connect to answer, more than 0
     * @param tls      the TLS client for secure endpoints, asked for when the first is dialled
     */
    public OneShotGet(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Duration timeout,
                      Supplier<SslContext> tls) {
        this.group = Objects.requireNonNull(group, "group");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.dialer = new Dialer(io, io.newDialTemplate(resolver, timeout));
    }

    /**
     * A TLS client that accepts any server certificate for any name, made when first asked for
     * (Netty's TLS set-up reads the JDK's trust store, a quarter second at start-up), and then
     * shared by every check and question in the process, reloads included. For questions whose
     * answer, forged, can only steer the gateway between the members it already has: see
     * {@link HttpHealthCheck}.
     */
    public static Supplier<SslContext> trustingAnyCertificate() {
        return TRUSTING_ANY_CERTIFICATE;
    }

    /**
     * Sends {@code GET path} to {@code endpoint} once. Callable from any thread; the work runs on
     * an event loop.
     *
     * @param reading what to make of the answer, whatever its status
     * @param failure what to make of a failure (no answer within the timeout, a refused
     *                connection, a body too large, ...) from its reason
     * @return the outcome, within the timeout (and the time an event loop takes to notice it); it
     *         never completes exceptionally
     */
    public <T> CompletionStage<T> get(Endpoint endpoint, String path, Reading<T> reading, Function<String, T> failure) {
        return Attempt.run(group, timeout, failure, attempt -> {
            ChannelFuture dial = dialer.dial(attempt.loop(), endpoint, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    if (endpoint.secure()) {
                        channel.pipeline().addLast(tls.get().newHandler(channel.alloc(), endpoint.host(), endpoint.port()));
                    }
                    channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY_BYTES),
                            new GetRequestHandler<>(endpoint, path, reading, attempt));
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

    /** {@code : <the body's start, on one line>}, or {@code  with an empty body}: an answer, for messages. */
    public static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
        if (text.isEmpty()) {
            return " with an empty body";
        }
        return ": " + (text.length() > EXCERPT_CHARACTERS ? text.substring(0, EXCERPT_CHARACTERS) + "..." : text);
    }
}
