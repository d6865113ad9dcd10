package org.etcdgateway.transport.io;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Native epoll where Netty can load it, NIO elsewhere: the event loops and the matching channel
 * types, shared by the transports.
 */
public record IoRuntime(String name, IoHandlerFactory ioHandlerFactory,
                 Class<? extends ServerSocketChannel> serverChannelType,
                 Class<? extends SocketChannel> socketChannelType,
                 Class<? extends DatagramChannel> datagramChannelType) {

    /** Native epoll when Netty can load it, else NIO. */
    public static IoRuntime best() {
        if (Epoll.isAvailable()) {
            return new IoRuntime("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollDatagramChannel.class);
        }
        return nio();
    }

    /** NIO, which works everywhere. */
    public static IoRuntime nio() {
        return new IoRuntime("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class);
    }

    /** Says, at start-up, when native epoll is not used and why. */
    public void logChoice(Logger log) {
        if (name.equals("nio")) {
            Throwable cause = Epoll.unavailabilityCause();
            log.info("using NIO: native epoll is not available here ({})", cause == null ? "not Linux" : cause.toString());
        }
    }

    /** A DNS resolver per event loop that honours record TTLs, on this runtime's channel types. */
    public DnsAddressResolverGroup newResolverGroup() {
        return new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(datagramChannelType)
                .socketChannelType(socketChannelType));
    }

    /** The options every dial to an endpoint shares: the connect timeout, TCP_NODELAY, keep-alive probes, names resolved at dial time. */
    public Bootstrap newDialTemplate(DnsAddressResolverGroup resolver, Duration dialTimeout) {
        return new Bootstrap()
                .channel(socketChannelType)
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, dialTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** A new event loop group of {@code threads} threads named after {@code threadPrefix}. */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlerFactory);
    }
}
