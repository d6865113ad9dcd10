package org.etcdgateway.transport.health;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import org.etcdgateway.api.Endpoint;

/**
 * Sends {@code GET path} once the connection is up and ends the {@link Attempt} with what the
 * endpoint answers, as {@code reading} reads it, or with why it did not answer. The last handler
 * of a {@link OneShotGet}'s pipeline, after the HTTP codec and aggregator.
 */
final class GetRequestHandler<T> extends SimpleChannelInboundHandler<FullHttpResponse> {

    private static final String HANDSHAKE = "in the TLS handshake";

    private final Endpoint endpoint;
    private final String path;
    private final OneShotGet.Reading<T> reading;
    private final Attempt<T> attempt;

    GetRequestHandler(Endpoint endpoint, String path, OneShotGet.Reading<T> reading, Attempt<T> attempt) {
        this.endpoint = endpoint;
        this.path = path;
        this.reading = reading;
        this.attempt = attempt;
    }

    private String awaitingAnswer() {
        return "waiting for the answer to GET " + path;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Over TLS the request waits in the SslHandler until the handshake is done.
        attempt.stage(endpoint.secure() ? HANDSHAKE : awaitingAnswer());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
        request.headers()
                .set(HttpHeaderNames.HOST, endpoint.authority())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(request).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                attempt.fail(written.cause());
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                attempt.stage(awaitingAnswer());
            } else if (handshake.cause() instanceof ClosedChannelException) {
                attempt.fail("connection closed in the TLS handshake");
            } else {
                attempt.fail(handshake.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (response.decoderResult().isFailure()) {
            attempt.fail("GET " + path + " answered something other than HTTP: "
                    + FailureReasons.describe(response.decoderResult().cause()));
            return;
        }
        attempt.finish(reading.read(response.status().code(), ByteBufUtil.getBytes(response.content())));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        attempt.fail("connection closed before the answer to GET " + path);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongHttpContentException) {
            attempt.fail("GET " + path + " answered a body of more than " + OneShotGet.MAX_BODY_BYTES + " bytes");
        } else {
            attempt.fail(cause);
        }
    }
}
