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
 * Sends {@code GET /health} once the connection is up and ends the {@link Attempt} with what the
 * endpoint answers, or with why it did not. The last handler of a health check's pipeline, after
 * the HTTP codec and aggregator.
 */
final class HealthRequestHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

    private static final String HANDSHAKE = "in the TLS handshake";
    private static final String AWAITING_ANSWER = "waiting for the answer to GET /health";

    private final Endpoint endpoint;
    private final Attempt attempt;

    HealthRequestHandler(Endpoint endpoint, Attempt attempt) {
        this.endpoint = endpoint;
        this.attempt = attempt;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Over TLS the request waits in the SslHandler until the handshake is done.
        attempt.stage(endpoint.secure() ? HANDSHAKE : AWAITING_ANSWER);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health", Unpooled.EMPTY_BUFFER);
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
                attempt.stage(AWAITING_ANSWER);
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
            attempt.fail("GET /health answered something other than HTTP: "
                    + FailureReasons.describe(response.decoderResult().cause()));
            return;
        }
        attempt.finish(HealthAnswer.judge(response.status().code(), ByteBufUtil.getBytes(response.content())));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        attempt.fail("connection closed before the answer to GET /health");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongHttpContentException) {
            attempt.fail("GET /health answered a body of more than " + HttpHealthCheck.MAX_BODY_BYTES + " bytes");
        } else {
            attempt.fail(cause);
        }
    }
}
