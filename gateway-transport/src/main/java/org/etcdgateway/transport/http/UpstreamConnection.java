package org.etcdgateway.transport.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.etcdgateway.api.Endpoint;

/**
 * One keep-alive connection to an endpoint, and the last handler of its pipeline: idle in the
 * pool, or carrying the one exchange it passes the response to. Runs on its channel's event
 * loop, which is the loop of the clients it serves, so its fields need no synchronisation.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private final Endpoint endpoint;
    private final UpstreamConnectionPool pool;
    private Channel channel;
    private Exchange exchange;
    /** True once the connection has carried an exchange: it may have been closed by the endpoint while idle. */
    private boolean reused;
    /** When it went back to the pool; meaningful only while it is there. */
    private long idleSinceNanos;

    UpstreamConnection(Endpoint endpoint, UpstreamConnectionPool pool) {
        this.endpoint = endpoint;
        this.pool = pool;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    Channel channel() {
        return channel;
    }

    boolean reused() {
        return reused;
    }

    void attach(Exchange carried) {
        exchange = carried;
    }

    /** The exchange is over: the connection goes back to the pool or is closed. */
    void detach() {
        exchange = null;
        reused = true;
    }

    /** Back in the pool at {@code nanoTime}. */
    void parked(long nanoTime) {
        idleSinceNanos = nanoTime;
    }

    /** Taken from the pool. */
    void taken() {
        idleSinceNanos = 0;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pool.connected(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (exchange == null) {
            // Nobody asked: an idle connection that talks is out of step; it cannot be reused.
            ReferenceCountUtil.release(message);
            ctx.close();
            return;
        }
        exchange.upstreamRead(this, (HttpObject) message);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamReadComplete(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.forget(this);
        if (exchange != null) {
            exchange.upstreamClosed(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ctx.channel().isActive()) {
            // Still connecting: native epoll may report a read error on the not yet connected
            // socket. The connect's own outcome, bounded by the dial timeout, is what counts.
            return;
        }
        if (exchange != null) {
            exchange.upstreamFailed(this, cause);
        } else {
            ctx.close();
        }
    }
}
