package org.etcdgateway.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.util.List;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.transport.base.NettyTransport;
import org.etcdgateway.transport.endpoints.EndpointFeed;
import org.etcdgateway.transport.io.IoRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The L4 relay on Netty: accepts clients and forwards each to the endpoint the policy picks. */
final class TcpTransport extends NettyTransport<TcpSettings> {

    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

    private TcpRelay relay;

    TcpTransport(TcpSettings settings, TransportContext context) {
        this(settings, context, IoRuntime.named(settings.ioEngine()));
    }

    TcpTransport(TcpSettings settings, TransportContext context, IoRuntime io) {
        super(settings, context, io, log);
    }

    @Override
    protected void prepare(Parts parts) {
        relay = new TcpRelay(parts.pool(), parts.picker(), parts.dialer());
    }

    @Override
    protected Bootstrap configureDial(Bootstrap dial) {
        // Half-closure both ways: a client's FIN becomes the endpoint's, not a close.
        return dial.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    @Override
    protected void configureServer(ServerBootstrap server) {
        server.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, false);
    }

    @Override
    protected void initClient(SocketChannel client) {
        client.pipeline().addLast(new ClientRelayHandler(relay));
    }

    /** An endpoint that is this gateway's own address would make every connection go round. */
    @Override
    protected EndpointFeed.StartupLoops startupLoops() {
        return EndpointFeed.StartupLoops.ANY;
    }

    @Override
    protected List<String> restartOnly(TcpSettings running, TcpSettings next) {
        return List.of();
    }

    @Override
    protected void applyOwnSettings(TcpSettings next) {
        // Every tcp setting is a shared one.
    }

    @Override
    protected String describe(TcpSettings settings) {
        return "tcp transport, dial timeout " + Durations.format(settings.dialTimeout()) + ", retry delay "
                + Durations.format(settings.retryDelay());
    }
}
