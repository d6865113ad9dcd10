package org.etcdgateway.transport.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.endpoints.EndpointPicker;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.metrics.EndpointMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every client relay of one transport shares: the endpoint state, the policy's picks and the dialer. */
final class TcpRelay {

    private static final Logger log = LoggerFactory.getLogger(TcpRelay.class);
    private static final long NO_ENDPOINT_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final EndpointPool pool;
    private final EndpointPicker picker;
    private final Dialer dialer;
    private final AtomicLong lastNoEndpointLog = new AtomicLong(System.nanoTime() - NO_ENDPOINT_LOG_INTERVAL_NANOS);
    private final AtomicLong refusedSinceLastLog = new AtomicLong();

    TcpRelay(EndpointPool pool, EndpointPicker picker, Dialer dialer) {
        this.pool = pool;
        this.picker = picker;
        this.dialer = dialer;
    }

    EndpointPicker picker() {
        return picker;
    }

    ChannelFuture dial(Endpoint endpoint, EventLoop loop, ChannelHandler handler) {
        return dialer.dial(loop, endpoint, handler);
    }

    /** The dial succeeded: the policy hears of it, and the connection counts (and closes) with its endpoint. */
    EndpointMetrics.Counters dialSucceeded(Endpoint endpoint, Channel upstream) {
        picker.succeeded(endpoint);
        return pool.track(endpoint, upstream);
    }

    void dialFailed(Endpoint endpoint, Throwable cause, Channel client) {
        log.debug("client {}: dial to endpoint {} failed ({}); trying the next endpoint", client.remoteAddress(),
                endpoint, EndpointPool.describe(cause));
        picker.failed(endpoint, cause);
    }

    void connected(Channel client, Endpoint endpoint) {
        if (log.isDebugEnabled()) {
            log.debug("client {} -> endpoint {}", client.remoteAddress(), endpoint);
        }
    }

    /** Logs why a client is turned away, at most once a second with a count of the others. */
    void noEndpointLeft(Channel client, List<Endpoint> tried) {
        long now = System.nanoTime();
        long last = lastNoEndpointLog.get();
        long others = refusedSinceLastLog.getAndIncrement();
        if (now - last < NO_ENDPOINT_LOG_INTERVAL_NANOS || !lastNoEndpointLog.compareAndSet(last, now)) {
            return;
        }
        refusedSinceLastLog.addAndGet(-others - 1);
        int known = pool.all().size();
        String why = tried == null
                ? "all " + known + " endpoint(s) are out of rotation after failed dials"
                : "the dials to " + tried + " failed and no other endpoint is usable";
        log.warn("closing client {}: no endpoint to forward to, {}; endpoints come back after a successful re-dial{}",
                client.remoteAddress(), why, others > 0 ? " (" + others + " other client(s) closed likewise in the last second)" : "");
    }

    void relayFailed(String side, Channel channel, Throwable cause) {
        if (cause instanceof IOException) {
            // Resets and broken pipes are how TCP peers leave; they are not the gateway's errors.
            log.debug("{} connection {} closed on error: {}", side, channel.remoteAddress(), cause.toString());
        } else {
            log.warn("{} connection {} failed; closing both sides", side, channel.remoteAddress(), cause);
        }
    }
}
