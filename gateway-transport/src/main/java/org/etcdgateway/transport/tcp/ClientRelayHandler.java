package org.etcdgateway.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.metrics.EndpointMetrics;

/**
 * One client connection: dials an endpoint for it, then relays bytes both ways.
 *
 * <p>The client channel starts with reads off, so nothing is read until an upstream connection
 * exists. Relaying writes without flushing and flushes once per read batch. Backpressure: when
 * the side being written to goes over its high-water mark, the other side stops reading until it
 * drains. A half-close (FIN) on one side shuts down output on the other; when both directions
 * are shut, both channels close. Any error closes both.
 *
 * <p>All of this runs on the client channel's event loop: the upstream channel is registered on
 * the same loop, so the fields need no synchronisation.
 */
final class ClientRelayHandler extends ChannelInboundHandlerAdapter {

    /** How often a dial closed on this side is repeated before it counts against the endpoint. */
    private static final int MAX_LOCAL_REDIALS = 2;

    /** What a client may send and half-close on before its upstream connection exists. */
    private static final int MAX_EARLY_BYTES = 1024 * 1024;

    private final TcpRelay relay;
    private Channel client;
    private Channel upstream;
    private ChannelFuture dial;
    private List<Endpoint> tried;
    private boolean clientInputShut;
    private boolean upstreamInputShut;
    /** Bytes the client sent before the upstream connection existed; see {@link #channelRead}. */
    private List<ByteBuf> early;
    private int earlyBytes;
    private int localRedials;
    /** The endpoint's byte counters; null when it was removed while the dial was under way. */
    private CounterDataPoint sentBytes;
    private CounterDataPoint receivedBytes;

    ClientRelayHandler(TcpRelay relay) {
        this.relay = relay;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        dialNext();
    }

    private void dialNext() {
        List<Endpoint> candidates = relay.picker().usableExcluding(tried);
        if (candidates.isEmpty()) {
            relay.noEndpointLeft(client, tried);
            client.close();
            return;
        }
        Endpoint endpoint = relay.picker().pick(candidates);
        dial = relay.dial(endpoint, client.eventLoop(), new UpstreamHandler());
        dial.addListener((ChannelFutureListener) future -> dialed(endpoint, future));
    }

    private void dialed(Endpoint endpoint, ChannelFuture future) {
        dial = null;
        if (future.isSuccess()) {
            EndpointMetrics.Counters counters = relay.dialSucceeded(endpoint, future.channel());
            if (!client.isActive()) {
                future.channel().close();
                return;
            }
            upstream = future.channel();
            if (counters != null) {
                sentBytes = counters.sentBytes();
                receivedBytes = counters.receivedBytes();
            }
            relay.connected(client, endpoint);
            if (early != null) {
                countSent(earlyBytes);
                early.forEach(buffer -> upstream.write(buffer, upstream.voidPromise()));
                early = null;
                upstream.flush();
            }
            if (clientInputShut) {
                shutdownOutputOrClose(upstream);
            } else {
                client.config().setAutoRead(true);
            }
            return;
        }
        if (future.isCancelled() || !client.isActive()) {
            return;
        }
        if (Dialer.closedLocally(future.cause()) && localRedials++ < MAX_LOCAL_REDIALS) {
            // Closed on this side: no verdict on the endpoint, so dial it again.
            dial = relay.dial(endpoint, client.eventLoop(), new UpstreamHandler());
            dial.addListener((ChannelFutureListener) again -> dialed(endpoint, again));
            return;
        }
        relay.dialFailed(endpoint, future.cause(), client);
        if (tried == null) {
            tried = new ArrayList<>(2);
        }
        tried.add(endpoint);
        dialNext();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (upstream == null) {
            // Reads are off until the upstream connects, but native epoll still drains a client
            // that half-closed (EPOLLRDHUP) so that it can report the end of input. Hold those
            // bytes for the upstream; a client that sends more than a bound this way is dropped.
            holdEarly((ByteBuf) message);
            return;
        }
        countSent(((ByteBuf) message).readableBytes());
        upstream.write(message, upstream.voidPromise());
        if (!upstream.isWritable()) {
            client.config().setAutoRead(false);
        }
    }

    private void countSent(int bytes) {
        if (sentBytes != null) {
            sentBytes.inc(bytes);
        }
    }

    private void holdEarly(ByteBuf buffer) {
        earlyBytes += buffer.readableBytes();
        if (earlyBytes > MAX_EARLY_BYTES) {
            buffer.release();
            relay.relayFailed("client", client, new IllegalStateException(
                    "sent more than " + MAX_EARLY_BYTES + " bytes and closed its side before an endpoint was connected"));
            client.close();
            return;
        }
        if (early == null) {
            early = new ArrayList<>(2);
        }
        early.add(buffer);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A side whose input has ended has nothing to resume (and native epoll has already
        // stopped watching it for reads).
        if (upstream != null && client.isWritable() && !upstreamInputShut) {
            upstream.config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            clientInputShut = true;
            if (upstream != null) {
                shutdownOutputOrClose(upstream);
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (early != null) {
            early.forEach(ByteBuf::release);
            early = null;
        }
        if (dial != null) {
            dial.cancel(false);
            dial.channel().close();
        }
        closeAfterFlush(upstream);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        relay.relayFailed("client", client, cause);
        closeBoth();
    }

    /** After what is pending has been written, half-closes {@code channel}, or closes both when the other way is shut too. */
    private void shutdownOutputOrClose(Channel channel) {
        if (clientInputShut && upstreamInputShut) {
            closeBoth();
            return;
        }
        if (channel == null || !channel.isActive()) {
            closeBoth();
            return;
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                shutdownOutput(channel);
                // Its output is shut, so its FIN ends the last direction still open: let it close
                // the channel (whose inactivity closes the other) rather than half-close a socket
                // the kernel has most likely finished with, which fails and costs an exception.
                channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
            } else {
                closeBoth();
            }
        });
    }

    /**
     * Half-closes {@code channel}, all of whose writes have been written. On the native engines
     * the socket is shut directly: Netty's {@code shutdownOutput} would also fail the empty
     * outbound buffer with an exception it builds, stack trace and all, and fire an event that
     * nothing here listens for, which with a new connection per request cost 6% of the CPU per
     * connection (README, Performance). A socket that cannot be shut, because its peer has reset
     * it say, is closed, as before.
     */
    static void shutdownOutput(Channel channel) {
        if (channel instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (IOException | NotYetConnectedException e) {
                // The latter when the peer has reset the connection (ENOTCONN) and Netty has not
                // yet seen it: unchecked, it would escape into the write's listener.
                channel.close();
            }
            return;
        }
        ((DuplexChannel) channel).shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void closeBoth() {
        closeAfterFlush(client);
        closeAfterFlush(upstream);
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The upstream side of this client's relay. */
    private final class UpstreamHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (receivedBytes != null) {
                receivedBytes.inc(((ByteBuf) message).readableBytes());
            }
            client.write(message, client.voidPromise());
            if (!client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            client.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !clientInputShut) {
                client.config().setAutoRead(true);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                upstreamInputShut = true;
                shutdownOutputOrClose(client);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeAfterFlush(client);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!ctx.channel().isActive()) {
                // Still connecting (or already closed): the connect's outcome decides, not a read
                // error native epoll may report on a socket that is not connected yet.
                return;
            }
            relay.relayFailed("endpoint", ctx.channel(), cause);
            closeBoth();
        }
    }
}
