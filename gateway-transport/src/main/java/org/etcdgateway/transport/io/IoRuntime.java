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
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Native epoll where Netty can load it, NIO elsewhere: the event loops and the matching channel
 * types, shared by the transports.
 *
 * <p>A socket for an IPv4 address is an IPv4 socket. Netty's default is a dual-stack IPv6 socket
 * with IPv4-mapped addresses, which costs an extra system call per connection and the kernel's
 * longer IPv6 path for what is IPv4 traffic.
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

    /**
     * The options every dial to an endpoint shares: the connect timeout, keep-alive probes, names
     * resolved at dial time. TCP_NODELAY is on in every Netty socket already; setting it again
     * would only cost a system call.
     */
    public Bootstrap newDialTemplate(DnsAddressResolverGroup resolver, Duration dialTimeout) {
        return new Bootstrap()
                .channel(socketChannelType)
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, dialTimeout.toMillis()))
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** A new, unregistered socket channel of the family of {@code address}. */
    public SocketChannel newSocketChannel(InetAddress address) {
        SocketProtocolFamily family = familyOf(address);
        return isEpoll() ? new EpollSocketChannel(family) : new NioSocketChannel(SelectorProvider.provider(), family);
    }

    /** A new, unbound listening channel of the family of {@code address}. */
    public ServerSocketChannel newServerSocketChannel(InetAddress address) {
        SocketProtocolFamily family = familyOf(address);
        return isEpoll() ? new EpollServerSocketChannel(family) : new NioServerSocketChannel(SelectorProvider.provider(), family);
    }

    /** Whether this is native epoll, where each event loop may have a listening socket of its own. */
    public boolean isEpoll() {
        return serverChannelType == EpollServerSocketChannel.class;
    }

    private static SocketProtocolFamily familyOf(InetAddress address) {
        return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    /** A new event loop group of {@code threads} threads named after {@code threadPrefix}. */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlerFactory);
    }
}
