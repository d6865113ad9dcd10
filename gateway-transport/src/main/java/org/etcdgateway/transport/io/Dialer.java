package org.etcdgateway.transport.io;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.etcdgateway.api.Endpoint;

/**
 * Dials endpoints so that a new channel is connected in the same event-loop task that registers
 * it.
 *
 * <p>Netty's {@code Bootstrap.connect} registers the channel, then connects it in a later task.
 * A TCP socket that is registered with epoll but not yet connected reports a hang-up; when the
 * event loop polls in between (likely under load), native epoll reads from the unconnected socket,
 * fails, and closes the channel, and the dial fails with {@code ClosedChannelException} though the
 * endpoint is fine. Connecting at once, on the loop, leaves no such window. IP literals take that
 * path; host names are resolved (honouring DNS TTLs) through the bootstrap's resolver as before.
 */
public final class Dialer {

    private final IoRuntime io;
    private volatile Template template;

    /** The bootstrap for names, and its options as a list for IP literals, which are dialled without one. */
    private record Template(Bootstrap bootstrap, List<Map.Entry<ChannelOption<?>, Object>> options) {
        Template(Bootstrap bootstrap) {
            this(bootstrap, List.copyOf(bootstrap.config().options().entrySet()));
        }
    }

    /**
     * @param io       makes the channels for IP literals
     * @param template channel type, options and resolver; cloned for every dial to a host name
     */
    public Dialer(IoRuntime io, Bootstrap template) {
        this.io = io;
        this.template = new Template(template);
    }

    /** Dials from now on with {@code timeout} as the connect timeout (a reload); dials under way keep theirs. */
    public void connectTimeout(Duration timeout) {
        template = new Template(template.bootstrap().clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis())));
    }

    /** Dials {@code endpoint} on {@code loop}, with {@code handler} as the channel's handler. Call on {@code loop}. */
    public ChannelFuture dial(EventLoop loop, Endpoint endpoint, ChannelHandler handler) {
        Template current = template;
        InetSocketAddress literal = ipLiteral(endpoint);
        if (literal == null || !loop.inEventLoop()) {
            return current.bootstrap().clone(loop).handler(handler)
                    .connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
        }
        // What Bootstrap does, less its per-dial copies, reflection and option look-ups: on the
        // per-connection path of the tcp transport.
        Channel channel = io.newSocketChannel(literal.getAddress());
        try {
            for (Map.Entry<ChannelOption<?>, Object> option : current.options()) {
                setOption(channel, option.getKey(), option.getValue());
            }
            channel.pipeline().addLast(handler);
        } catch (RuntimeException e) {
            channel.unsafe().closeForcibly();
            return new DefaultChannelPromise(channel, loop).setFailure(e);
        }
        ChannelFuture registered = loop.register(channel);
        // As Bootstrap.connect does: a channel whose dial failed is closed, so that its handler
        // hears nothing more from it.
        ChannelPromise connected = channel.newPromise();
        connected.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (registered.isDone()) {
            connectOrFail(registered, channel, literal, connected);
        } else {
            registered.addListener((ChannelFutureListener) future -> connectOrFail(future, channel, literal, connected));
        }
        return connected;
    }

    @SuppressWarnings("unchecked")
    private static <T> void setOption(Channel channel, ChannelOption<T> option, Object value) {
        if (!channel.config().setOption(option, (T) value)) {
            throw new IllegalStateException(channel.getClass().getSimpleName() + " does not take the option " + option);
        }
    }

    private static void connectOrFail(ChannelFuture registered, Channel channel, InetSocketAddress address,
                                      ChannelPromise connected) {
        if (registered.isSuccess()) {
            channel.connect(address, connected);
        } else {
            connected.setFailure(registered.cause());
        }
    }

    /**
     * A test connection to {@code endpoint}, closed as soon as it is made: enough to tell that an
     * endpoint that failed is listening again. Completes exceptionally when the dial fails.
     */
    public CompletionStage<Void> probe(EventLoop loop, Endpoint endpoint) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> dial(loop, endpoint, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.close();
            }
        }).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                result.complete(null);
            } else {
                result.completeExceptionally(future.cause());
            }
        }));
        return result;
    }

    /**
     * True when a dial failed because its channel was closed on this side, not because the
     * endpoint refused or did not answer: that says nothing about the endpoint, so the dial is
     * worth repeating rather than counting against it.
     */
    public static boolean closedLocally(Throwable cause) {
        return cause instanceof ClosedChannelException;
    }

    /** The endpoint's address when its host is an IP literal, which needs no resolving; else null. */
    private static InetSocketAddress ipLiteral(Endpoint endpoint) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(endpoint.host());
        return address == null ? null : new InetSocketAddress(address, endpoint.port());
    }
}
