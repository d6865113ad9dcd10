package org.etcdgateway.transport.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.metrics.ProxyMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the proxy: picks an endpoint, sends the buffered request,
 * replays it on the next endpoint when a connection or transport error comes before any response
 * byte, then streams the response back as it arrives.
 *
 * <p>Runs on the client channel's event loop; the connections it uses live on the same loop.
 */
final class Exchange {

    /** How often one request tries an endpoint again on a new connection before counting it as failed. */
    private static final int MAX_LOCAL_REDIALS = 2;

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private final HttpProxy proxy;
    private final ClientConnectionHandler client;
    private final Channel clientChannel;
    /** Owned by the exchange until it ends: each attempt sends a duplicate of its body. */
    private final FullHttpRequest request;
    private final String uri;
    private final HttpHeaders outboundHeaders;
    private final List<Endpoint> tried = new ArrayList<>(2);
    private Endpoint endpoint;
    private ChannelFuture dial;
    private UpstreamConnection connection;
    private boolean requestSent;
    private ScheduledFuture<?> timeout;
    private long lastReadNanos;
    private HttpResponse responseHead;
    private boolean upstreamKeepAlive;
    /** Skipping a 1xx interim response (and its empty last content) that the client must not see twice. */
    private boolean skippingInterim;
    private boolean ended;
    private int localRedials;
    private final String method;
    private final long arrivedNanos = System.nanoTime();

    Exchange(HttpProxy proxy, ClientConnectionHandler client, Channel clientChannel, FullHttpRequest request) {
        this.proxy = proxy;
        this.client = client;
        this.clientChannel = clientChannel;
        this.request = request;
        this.uri = originForm(request.uri());
        this.method = ProxyMetrics.method(request.method().name());
        this.outboundHeaders = outboundHeaders(request, clientChannel, proxy.instanceId());
    }

    /** The request as the endpoint gets it: hop-by-hop headers gone, the client's address appended, this proxy's mark added. */
    private static HttpHeaders outboundHeaders(FullHttpRequest request, Channel clientChannel, String instanceId) {
        HttpHeaders headers = request.headers().copy();
        HopByHopHeaders.strip(headers);
        // The body is already here in full: a 100 Continue from the endpoint would mean nothing.
        headers.remove(HttpHeaderNames.EXPECT);
        if (clientChannel.remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null) {
            String prior = String.join(", ", headers.getAll(X_FORWARDED_FOR));
            String clientIp = address.getAddress().getHostAddress();
            headers.set(X_FORWARDED_FOR, prior.isEmpty() ? clientIp : prior + ", " + clientIp);
        }
        headers.add(HttpProxy.HOP_HEADER, instanceId);
        int length = request.content().readableBytes();
        if (length > 0 || request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        return headers;
    }

    /** {@code /path?query} of an absolute-form target ({@code http://host/path}), which only proxies are sent. */
    private static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (target.startsWith("/") || scheme < 0) {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        return path < 0 ? "/" : target.substring(path);
    }

    /** The request as the log names it; made only when a line is logged. */
    private String description() {
        return request.method() + " " + uri + " from " + clientAddress(clientChannel);
    }

    private static String clientAddress(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress address
                ? address.getHostString() + ":" + address.getPort() : String.valueOf(channel.remoteAddress());
    }

    void start() {
        proxy.metrics().received(method);
        forwardToNextEndpoint();
    }

    private void forwardToNextEndpoint() {
        List<Endpoint> candidates = proxy.picker().usableExcluding(tried);
        if (candidates.isEmpty()) {
            if (tried.isEmpty()) {
                proxy.noEndpointAvailable(this::description);
                proxy.metrics().dropped(method, ProxyMetrics.Dropped.ZERO_ENDPOINTS);
                answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "zero endpoints currently available");
            } else {
                log.warn("{}: answered 502, no endpoint answered: tried {}", description(), tried);
                proxy.metrics().dropped(method, ProxyMetrics.Dropped.FAILED_SENDING_REQUEST);
                answer(HttpResponseStatus.BAD_GATEWAY, "unable to get response from " + tried.size() + " endpoint(s)");
            }
            return;
        }
        Endpoint picked;
        try {
            Endpoint leader = proxy.leaderFor(request.method(), uri, candidates);
            picked = leader != null ? proxy.picker().take(leader) : proxy.picker().pick(candidates);
        } catch (RuntimeException e) {
            // A policy's bug must not leave the client waiting forever.
            log.error("{}: the policy failed to pick an endpoint; answering 502", description(), e);
            proxy.metrics().dropped(method, ProxyMetrics.Dropped.FAILED_SENDING_REQUEST);
            answer(HttpResponseStatus.BAD_GATEWAY, "the load-balancing policy failed: " + e.getMessage());
            return;
        }
        // Each endpoint gets its own allowance of local re-dials.
        localRedials = 0;
        forwardTo(picked, true);
    }

    private void forwardTo(Endpoint target, boolean mayReuse) {
        endpoint = target;
        UpstreamConnection idle = mayReuse ? proxy.connections().takeIdle(clientChannel.eventLoop(), target) : null;
        if (idle != null) {
            send(idle);
            return;
        }
        ChannelFuture attempt = proxy.connections().dial(clientChannel.eventLoop(), target);
        dial = attempt;
        attempt.addListener((ChannelFutureListener) future -> dialed(target, future));
    }

    private void dialed(Endpoint target, ChannelFuture future) {
        if (dial == future) {
            dial = null;
        }
        if (ended) {
            future.channel().close();
            return;
        }
        if (future.isSuccess()) {
            send(future.channel().pipeline().get(UpstreamConnection.class));
        } else if (Dialer.closedLocally(future.cause()) && localRedials++ < MAX_LOCAL_REDIALS) {
            if (log.isDebugEnabled()) {
                log.debug("{}: the dial to endpoint {} was closed on this side; dialing again", description(), target);
            }
            forwardTo(target, false);
        } else {
            failedBeforeResponse(target, future.cause(), false);
        }
    }

    private void send(UpstreamConnection upstream) {
        connection = upstream;
        requestSent = false;
        upstream.attach(this);
        HttpHeaders headers = outboundHeaders;
        if (!headers.contains(HttpHeaderNames.HOST)) {
            // An HTTP/1.0 client may send none; the request goes out as HTTP/1.1, which needs one:
            // the endpoint's own, so a copy per attempt. The encoder only reads the others.
            headers = outboundHeaders.copy().set(HttpHeaderNames.HOST, upstream.endpoint().authority());
        }
        FullHttpRequest outbound = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), uri,
                request.content().retainedDuplicate(), headers, EmptyHttpHeaders.INSTANCE);
        ChannelFuture written = upstream.channel().writeAndFlush(outbound);
        Duration writeTimeout = proxy.settings().writeTimeout();
        if (!written.isDone() && !writeTimeout.isZero()) {
            timeout = upstream.channel().eventLoop().schedule(
                    () -> upstreamFailed(upstream, new TimeoutException("sending the request took longer than the write timeout "
                            + Durations.format(writeTimeout))),
                    writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        written.addListener((ChannelFutureListener) future -> requestWritten(upstream, future));
    }

    private void requestWritten(UpstreamConnection upstream, ChannelFuture future) {
        if (connection != upstream || ended) {
            return;
        }
        cancelTimeout();
        if (!future.isSuccess()) {
            upstreamFailed(upstream, future.cause());
            return;
        }
        requestSent = true;
        lastReadNanos = System.nanoTime();
        scheduleReadTimeout(upstream, proxy.settings().readTimeout().toNanos());
    }

    /** The read timeout is an idle timeout: it runs from the last byte read, as etcd's read deadline did per read. */
    private void scheduleReadTimeout(UpstreamConnection upstream, long delayNanos) {
        Duration readTimeout = proxy.settings().readTimeout();
        if (readTimeout.isZero()) {
            return;
        }
        timeout = upstream.channel().eventLoop().schedule(() -> {
            long idle = System.nanoTime() - lastReadNanos;
            if (!upstream.channel().config().isAutoRead()) {
                // Reads are paused for a slow client: the endpoint is not the one being quiet.
                lastReadNanos = System.nanoTime();
                scheduleReadTimeout(upstream, readTimeout.toNanos());
            } else if (idle >= readTimeout.toNanos()) {
                upstreamFailed(upstream, new TimeoutException("the endpoint sent nothing for the read timeout "
                        + Durations.format(readTimeout)));
            } else {
                scheduleReadTimeout(upstream, readTimeout.toNanos() - idle);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    void upstreamRead(UpstreamConnection upstream, HttpObject message) {
        if (connection != upstream || ended) {
            ReferenceCountUtil.release(message);
            return;
        }
        lastReadNanos = System.nanoTime();
        if (message.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            upstreamFailed(upstream, message.decoderResult().cause());
            return;
        }
        if (message instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                skippingInterim = true;
            } else {
                responseHead = response;
                upstreamKeepAlive = HttpUtil.isKeepAlive(response);
                proxy.answered(endpoint);
                client.startResponse(response);
            }
        }
        if (message instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            if (skippingInterim) {
                content.release();
                skippingInterim = !last;
                return;
            }
            if (last) {
                LastHttpContent end = (LastHttpContent) content;
                HopByHopHeaders.strip(end.trailingHeaders());
                responseEnded(upstream, end);
                return;
            }
            client.continueResponse(content);
            if (!clientChannel.isWritable()) {
                // Backpressure: leave the rest in the endpoint's socket until the client catches up.
                upstream.channel().config().setAutoRead(false);
            }
        }
    }

    void upstreamReadComplete(UpstreamConnection upstream) {
        if (connection == upstream && responseHead != null) {
            // Each chunk goes out as soon as it arrives: a watch event must not wait for the next.
            clientChannel.flush();
        }
    }

    /** The client drained its write buffer: read from the endpoint again. */
    void clientWritable() {
        // Time spent waiting for a slow client is not the endpoint's silence.
        lastReadNanos = System.nanoTime();
        if (connection != null) {
            connection.channel().config().setAutoRead(true);
        }
    }

    void upstreamClosed(UpstreamConnection upstream) {
        upstreamFailed(upstream, new IOException("the endpoint closed the connection"));
    }

    void upstreamFailed(UpstreamConnection upstream, Throwable cause) {
        if (connection != upstream || ended) {
            return;
        }
        cancelTimeout();
        // Whether the connection had carried an exchange before this one; detach() marks it as having done so.
        boolean wasReused = upstream.reused();
        connection = null;
        upstream.detach();
        upstream.channel().close();
        if (responseHead != null) {
            ended = true;
            log.info("{}: endpoint {} broke off the response after it started ({}); closing the client connection",
                    description(), endpoint, EndpointPool.describe(cause));
            request.release();
            proxy.metrics().dropped(method, ProxyMetrics.Dropped.FAILED_GETTING_RESPONSE);
            client.abortResponse();
            return;
        }
        // A kept-alive connection may have been closed by the endpoint while it sat idle, and a
        // channel closed on this side failed for no fault of the endpoint: neither says anything
        // about the endpoint, so try it again on a new connection (a few times at most).
        boolean notTheEndpoints = wasReused || Dialer.closedLocally(cause);
        boolean stale = notTheEndpoints && !(cause instanceof TimeoutException) && localRedials++ < MAX_LOCAL_REDIALS;
        failedBeforeResponse(endpoint, cause, stale);
    }

    private void failedBeforeResponse(Endpoint target, Throwable cause, boolean staleConnection) {
        if (staleConnection) {
            if (log.isDebugEnabled()) {
                log.debug("{}: a kept-alive connection to endpoint {} failed ({}); retrying on a new connection",
                        description(), target, EndpointPool.describe(cause));
            }
            forwardTo(target, false);
            return;
        }
        proxy.failed(target, cause, this::description);
        tried.add(target);
        forwardToNextEndpoint();
    }

    /** Back to the pool first, so that the client's next request may take the same connection. */
    private void responseEnded(UpstreamConnection upstream, LastHttpContent end) {
        ended = true;
        cancelTimeout();
        connection = null;
        upstream.detach();
        if (requestSent && upstreamKeepAlive && upstream.channel().isActive()) {
            proxy.connections().release(upstream);
        } else {
            upstream.channel().close();
        }
        request.release();
        proxy.metrics().handled(method, responseHead.status().code(), System.nanoTime() - arrivedNanos);
        client.endResponse(end);
    }

    /** Answers the client from the proxy itself (503, 502). */
    private void answer(HttpResponseStatus status, String message) {
        ended = true;
        HttpVersion version = request.protocolVersion();
        request.release();
        client.answer(ProxyResponses.error(clientChannel.alloc(), version, status, message));
    }

    /** The client went away: stop at once and close the connection to the endpoint rather than pool it. */
    void cancel() {
        if (ended) {
            return;
        }
        ended = true;
        cancelTimeout();
        if (dial != null) {
            dial.cancel(false);
            dial.channel().close();
            dial = null;
        }
        if (connection != null) {
            if (log.isDebugEnabled()) {
                log.debug("{}: the client went away; closing its connection to endpoint {}", description(), connection.endpoint());
            }
            connection.detach();
            connection.channel().close();
            connection = null;
        }
        request.release();
    }
}
