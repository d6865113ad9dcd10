package org.etcdgateway.transport.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.io.Dialer;

/**
 * Keep-alive connections to the endpoints, idle ones kept per event loop and endpoint.
 *
 * <p>A connection is dialled on the event loop of the client it is first used for and only ever
 * reused by clients of that same loop, so a request and its response never cross threads and
 * each loop's idle lists are touched by that loop alone.
 *
 * <p>Each endpoint keeps up to {@code max-idle-connections} idle, shared out over the loops; one
 * that comes back beyond that is closed. Too low a bound costs a connect and a close for many
 * requests under load (16 per loop closed a quarter of them with 64 busy clients). Connections
 * idle for longer than the idle timeout are closed by a sweep on each loop, rather than by a timer
 * set and cancelled for every request.
 */
final class UpstreamConnectionPool implements AutoCloseable {

    /** Go's HTTP transport closes idle connections after the same time; etcd members expect no less. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(90);
    /** How often each loop looks for connections idle longer than the timeout: they close within 90 to 100 s. */
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);
    /** Response headers may be large (etcd sends a few, but a member behind a proxy may add more). */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Dialer dialer;
    private final Supplier<SslContext> tls;
    private final EndpointPool endpoints;
    private final int loops;
    private final ChannelGroup open = new DefaultChannelGroup("endpoint-connections", GlobalEventExecutor.INSTANCE);
    private final Map<EventLoop, Map<Endpoint, ArrayDeque<UpstreamConnection>>> idle = new ConcurrentHashMap<>();
    private volatile int maxIdlePerLoop;

    /**
     * @param dialer             dials with the transport's options (timeout, resolver, channel type)
     * @param tls                the client TLS context for {@code https://} endpoints, made when first asked for
     * @param endpoints          counts each connection with its endpoint, and closes it when that turns unhealthy
     * @param loops              how many event loops share the idle connections out
     * @param maxIdleConnections idle connections kept per endpoint, over all loops
     */
    UpstreamConnectionPool(Dialer dialer, Supplier<SslContext> tls, EndpointPool endpoints, int loops,
                           int maxIdleConnections) {
        this.dialer = dialer;
        this.tls = tls;
        this.endpoints = endpoints;
        this.loops = loops;
        maxIdleConnections(maxIdleConnections);
    }

    /** From now on keeps up to {@code total} idle connections per endpoint (a reload); extra ones close as they come back. */
    void maxIdleConnections(int total) {
        maxIdlePerLoop = total == 0 ? 0 : Math.max(1, (total + loops - 1) / loops);
    }

    /** An idle, open connection to {@code endpoint} on {@code loop}, or null. Call on {@code loop}. */
    UpstreamConnection takeIdle(EventLoop loop, Endpoint endpoint) {
        ArrayDeque<UpstreamConnection> connections = idleOf(loop).get(endpoint);
        while (connections != null && !connections.isEmpty()) {
            // Most recently used first: the one least likely to have been closed by the endpoint.
            UpstreamConnection connection = connections.pollFirst();
            connection.taken();
            if (connection.channel().isActive()) {
                return connection;
            }
        }
        return null;
    }

    /** Dials {@code endpoint} on {@code loop}; the connected channel's last handler is its {@link UpstreamConnection}. */
    ChannelFuture dial(EventLoop loop, Endpoint endpoint) {
        return dialer.dial(loop, endpoint, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                open.add(channel);
                if (endpoint.secure()) {
                    channel.pipeline().addLast(tls.get().newHandler(channel.alloc(), endpoint.host(), endpoint.port()));
                }
                channel.pipeline().addLast(
                        new HttpClientCodec(new HttpDecoderConfig().setMaxHeaderSize(MAX_HEADER_BYTES), false, false),
                        new UpstreamConnection(endpoint, UpstreamConnectionPool.this));
            }
        });
    }

    /** {@code connection} is connected: it counts with its endpoint from now on. */
    void connected(UpstreamConnection connection) {
        endpoints.track(connection.endpoint(), connection.channel());
    }

    /** The exchange on {@code connection} ended cleanly: keep it for the next request on its loop. */
    void release(UpstreamConnection connection) {
        Channel channel = connection.channel();
        ArrayDeque<UpstreamConnection> connections =
                idleOf(channel.eventLoop()).computeIfAbsent(connection.endpoint(), endpoint -> new ArrayDeque<>());
        if (!channel.isActive() || connections.size() >= maxIdlePerLoop) {
            channel.close();
            return;
        }
        // Reads stay on while idle so that a close by the endpoint is noticed at once.
        channel.config().setAutoRead(true);
        connection.parked(System.nanoTime());
        connections.addFirst(connection);
    }

    /** Closes the connections of {@code loop} idle for longer than the timeout. Runs on {@code loop}. */
    private void sweep(EventLoop loop) {
        long now = System.nanoTime();
        List<UpstreamConnection> expired = new ArrayList<>();
        for (ArrayDeque<UpstreamConnection> connections : idleOf(loop).values()) {
            // Most recently used first: the longest idle are at the end.
            for (Iterator<UpstreamConnection> oldest = connections.descendingIterator(); oldest.hasNext(); ) {
                UpstreamConnection connection = oldest.next();
                if (now - connection.idleSinceNanos() < IDLE_TIMEOUT.toNanos()) {
                    break;
                }
                expired.add(connection);
            }
        }
        // Closing removes each from its list (see forget), so not while iterating.
        expired.forEach(connection -> connection.channel().close());
    }

    /** {@code connection} closed: it is no longer offered. Called on its loop. */
    void forget(UpstreamConnection connection) {
        Map<Endpoint, ArrayDeque<UpstreamConnection>> byEndpoint = idle.get(connection.channel().eventLoop());
        if (byEndpoint == null) {
            return;
        }
        ArrayDeque<UpstreamConnection> connections = byEndpoint.get(connection.endpoint());
        if (connections != null) {
            connections.remove(connection);
            if (connections.isEmpty()) {
                byEndpoint.remove(connection.endpoint());
            }
        }
    }

    private Map<Endpoint, ArrayDeque<UpstreamConnection>> idleOf(EventLoop loop) {
        Map<Endpoint, ArrayDeque<UpstreamConnection>> byEndpoint = idle.get(loop);
        if (byEndpoint == null) {
            byEndpoint = new HashMap<>();
            idle.put(loop, byEndpoint);
            long every = SWEEP_INTERVAL.toNanos();
            loop.scheduleAtFixedRate(() -> sweep(loop), every, every, TimeUnit.NANOSECONDS);
        }
        return byEndpoint;
    }

    /** Closes every connection to the endpoints, idle or busy. */
    @Override
    public void close() {
        open.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
}
