package org.etcdgateway.transport.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: takes its requests one at a time (pipelined ones wait their turn),
 * answers what the proxy answers itself (readonly refusals, loops, its configuration) and hands
 * the rest to an {@link Exchange}, whose response it frames for this client.
 *
 * <p>Reads stay on while a response streams, so that a client that goes away is noticed at once
 * (NIO notices a close only by reading) and its exchange cancelled.
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {

    /** The event that asks each client connection to close once its current response is done. */
    static final Object DRAIN = new Object();

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);
    /** Pipelined requests held while one is answered; beyond this the client is not read until they are served. */
    private static final int MAX_WAITING_REQUESTS = 16;

    private final HttpProxy proxy;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private Channel channel;
    private Exchange exchange;
    /** Of the request being answered. */
    private HttpVersion version;
    private HttpMethod method;
    private boolean keepAlive;
    /** True while {@link #serveWaiting} runs, so that an answer made within it does not start it again. */
    private boolean serving;
    private boolean closed;

    ClientConnectionHandler(HttpProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (closed || !(message instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(message);
            return;
        }
        waiting.add(request);
        if (waiting.size() >= MAX_WAITING_REQUESTS) {
            channel.config().setAutoRead(false);
        }
        if (exchange == null) {
            serveWaiting();
        }
    }

    private void serveWaiting() {
        if (serving) {
            return;
        }
        serving = true;
        try {
            while (exchange == null && !closed && !waiting.isEmpty()) {
                serve(waiting.poll());
            }
            if (!closed && waiting.size() < MAX_WAITING_REQUESTS) {
                channel.config().setAutoRead(true);
            }
        } finally {
            serving = false;
        }
    }

    private void serve(FullHttpRequest request) {
        version = request.protocolVersion();
        method = request.method();
        keepAlive = HttpUtil.isKeepAlive(request) && !proxy.draining();
        if (request.decoderResult().isFailure()) {
            keepAlive = false;
            request.release();
            answer(ProxyResponses.error(channel.alloc(), version, HttpResponseStatus.BAD_REQUEST,
                    "malformed request: " + request.decoderResult().cause().getMessage()));
            return;
        }
        if (proxy.settings().readOnly() && !HttpMethod.GET.equals(method)) {
            // etcd's readonly proxy answers exactly this: 501 and no body.
            request.release();
            answer(ProxyResponses.empty(channel.alloc(), version, HttpResponseStatus.NOT_IMPLEMENTED));
            return;
        }
        if (proxy.passedThroughHere(request.headers())) {
            log.warn("refusing {} {} from client {}: it already passed through this proxy ({} header); "
                            + "an endpoint forwards back to this proxy", method, request.uri(), channel.remoteAddress(),
                    HttpProxy.HOP_HEADER);
            request.release();
            answer(ProxyResponses.error(channel.alloc(), version, ProxyResponses.LOOP_DETECTED,
                    "loop detected: the request already passed through this proxy"));
            return;
        }
        if (new QueryStringDecoder(request.uri()).path().equals(HttpProxy.CONFIGURATION_PATH)) {
            request.release();
            answerConfiguration();
            return;
        }
        exchange = new Exchange(proxy, this, channel, request);
        exchange.start();
    }

    private void answerConfiguration() {
        if (!HttpMethod.GET.equals(method)) {
            FullHttpResponse refusal = ProxyResponses.error(channel.alloc(), version, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method " + method + " not allowed on " + HttpProxy.CONFIGURATION_PATH);
            refusal.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            answer(refusal);
            return;
        }
        answer(ProxyResponses.configuration(channel.alloc(), version, proxy.usableEndpointUrls()));
    }

    /** A whole response made here (or by the exchange, for 502 and 503); then the next request. */
    void answer(FullHttpResponse response) {
        exchange = null;
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = channel.writeAndFlush(response);
        responseDone(written);
    }

    /** The endpoint's response head, framed for this client. */
    void startResponse(HttpResponse upstream) {
        HttpResponse response = new DefaultHttpResponse(version, upstream.status(), upstream.headers().copy());
        HopByHopHeaders.strip(response.headers());
        if (mayHaveBody(upstream.status()) && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // Without a length the body streams: chunked for HTTP/1.1, delimited by the close for 1.0.
            if (version.equals(HttpVersion.HTTP_1_1)) {
                response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                keepAlive = false;
            }
        }
        if (proxy.draining()) {
            keepAlive = false;
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        channel.write(response, channel.voidPromise());
    }

    private boolean mayHaveBody(HttpResponseStatus status) {
        return !HttpMethod.HEAD.equals(method) && status.codeClass() != HttpStatusClass.INFORMATIONAL
                && status.code() != HttpResponseStatus.NO_CONTENT.code()
                && status.code() != HttpResponseStatus.NOT_MODIFIED.code();
    }

    /** A piece of the body; flushed when the endpoint's read batch ends. */
    void continueResponse(HttpContent content) {
        channel.write(content, channel.voidPromise());
    }

    /** The end of the body: the exchange is over, the next request may go. */
    void endResponse(LastHttpContent last) {
        exchange = null;
        responseDone(channel.writeAndFlush(last));
    }

    /** The endpoint failed mid-response: the client cannot be told otherwise than by a close. */
    void abortResponse() {
        exchange = null;
        closed = true;
        channel.close();
    }

    private void responseDone(ChannelFuture written) {
        if (!keepAlive) {
            closed = true;
            written.addListener(ChannelFutureListener.CLOSE);
        }
        if (!closed) {
            serveWaiting();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null && channel.isWritable()) {
            exchange.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == DRAIN) {
            if (exchange == null && waiting.isEmpty()) {
                closed = true;
                channel.close();
            } else {
                keepAlive = false;
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        waiting.forEach(FullHttpRequest::release);
        waiting.clear();
        if (exchange != null) {
            exchange.cancel();
            exchange = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // Resets and broken pipes are how clients leave; they are not the proxy's errors.
            log.debug("client connection {} closed on error: {}", channel.remoteAddress(), cause.toString());
        } else {
            log.warn("client connection {} failed; closing it", channel.remoteAddress(), cause);
        }
        closed = true;
        channel.close();
    }
}
