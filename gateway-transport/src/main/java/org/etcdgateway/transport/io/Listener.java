package org.etcdgateway.transport.io;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.etcdgateway.api.HostAndPort;

/**
 * One listen address, accepted on by every event loop.
 *
 * <p>With io_uring or native epoll each loop has a socket of its own on the address, bound with
 * {@code SO_REUSEPORT}: the kernel spreads new connections over them, and each loop registers what
 * it accepts on itself. No connection is handed from an accepting thread to another, which saves
 * a queue hand-off and a wake-up per connection: with a new connection per request, 4% less CPU
 * per request than one socket accepting for all loops, at the same p99 (README, Performance).
 * With NIO one socket accepts for all loops.
 *
 * <p>It is bound before it accepts: connections wait in the backlog until {@link #accept()}, so
 * that none arrives before the transport knows an endpoint to send it to.
 *
 * <p>{@code SO_REUSEPORT} would let a second gateway of the same user bind the same port and take
 * half its connections; the address is therefore first bound once without it, which fails when
 * anything else listens there.
 */
public final class Listener {

    private final List<Channel> sockets;

    private Listener(List<Channel> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /**
     * Binds {@code address} with {@code template}'s options and child handler, on sockets of the
     * address's family (IPv4 for an IPv4 address); it accepts once {@link #accept()} is called.
     *
     * @param io       the runtime the group's loops run on
     * @param group    the loops that accept and serve connections
     * @param template everything but the groups, which this sets
     * @throws Exception when the address cannot be bound (in use, not local, no permission), as Netty reports it
     */
    public static Listener bind(IoRuntime io, EventLoopGroup group, ServerBootstrap template, HostAndPort address)
            throws Exception {
        InetSocketAddress resolved = new InetSocketAddress(address.host(), address.port());
        if (resolved.isUnresolved()) {
            throw new UnknownHostException(address.host() + ": no such host");
        }
        ServerBootstrap notYetAccepting = template.clone()
                .channelFactory(() -> io.newServerSocketChannel(resolved.getAddress()))
                .option(ChannelOption.AUTO_READ, false);
        Optional<ChannelOption<Boolean>> reusePort = io.reusePortOption();
        if (reusePort.isEmpty()) {
            return new Listener(List.of(notYetAccepting.group(group).bind(resolved).syncUninterruptibly().channel()));
        }
        if (address.port() != 0) {
            checkNotInUse(address);
        }
        List<Channel> sockets = new ArrayList<>();
        int port = address.port();
        try {
            for (EventExecutor executor : group) {
                Channel socket = notYetAccepting.clone()
                        .group((EventLoop) executor)
                        .option(reusePort.get(), true)
                        .bind(resolved.getAddress(), port)
                        .syncUninterruptibly().channel();
                sockets.add(socket);
                // Port 0 picks a port for the first socket; the others join it.
                port = ((InetSocketAddress) socket.localAddress()).getPort();
            }
        } catch (Exception e) {
            sockets.forEach(socket -> socket.close().awaitUninterruptibly());
            throw e;
        }
        return new Listener(sockets);
    }

    private static void checkNotInUse(HostAndPort address) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            // As the listeners themselves: a port whose last connections linger in TIME_WAIT is free.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address.host(), address.port()), 1);
        }
    }

    /** Starts accepting the connections that are waiting and those to come. */
    public void accept() {
        sockets.forEach(socket -> socket.config().setAutoRead(true));
    }

    /** The bound address: the requested one, with the port chosen when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) sockets.get(0).localAddress();
    }

    /** Stops accepting on every socket of the address; returns when they are closed. */
    public void close() {
        sockets.forEach(Channel::close);
        sockets.forEach(socket -> socket.closeFuture().awaitUninterruptibly());
    }
}
