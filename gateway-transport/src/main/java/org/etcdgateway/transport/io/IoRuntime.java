package org.etcdgateway.transport.io;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
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
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The event loops and the matching channel types, shared by the transports: io_uring where the
 * kernel allows it, native epoll where it does not, NIO where neither loads.
 *
 * <p>io_uring hands the kernel each loop's reads, writes, accepts and connects in batches: about
 * one system call per five requests where epoll makes four per request, which on a virtual
 * machine, where a system call costs more than the work it does, is most of a proxy's CPU
 * (README, Performance). A kernel may refuse it (older than 5.9, a seccomp profile, the
 * {@code kernel.io_uring_disabled} sysctl); then epoll is used, and the start-up log says why.
 *
 * <p>A socket for an IPv4 address is an IPv4 socket where the engine can make one (epoll, NIO).
 * Netty's default is a dual-stack IPv6 socket with IPv4-mapped addresses, which costs an extra
 * system call per connection and the kernel's longer IPv6 path for what is IPv4 traffic.
 */
public record IoRuntime(String name, IoHandlerFactory ioHandlerFactory,
                 Class<? extends ServerSocketChannel> serverChannelType,
                 Class<? extends SocketChannel> socketChannelType,
                 Class<? extends DatagramChannel> datagramChannelType) {

    /**
     * {@code SO_KEEPALIVE} as a raw socket option, which a listening socket takes too (Netty's own
     * is for connected sockets only): level {@code SOL_SOCKET} (1), option 9, on Linux.
     */
    private static final IntegerUnixChannelOption LISTENER_KEEPALIVE =
            new IntegerUnixChannelOption("SO_KEEPALIVE", 1, 9);

    /** The engines, fastest first; {@code io-engine = auto} means the first this machine runs. */
    public static final List<String> ENGINES = List.of("io_uring", "epoll", "nio");

    /** io_uring when the kernel allows it, else native epoll when Netty can load it, else NIO. */
    public static IoRuntime best() {
        if (IoUring.isAvailable()) {
            return ioUring();
        }
        if (Epoll.isAvailable()) {
            return epoll();
        }
        return nio();
    }

    /**
     * The engine named {@code name} ({@code auto} or one of {@link #ENGINES}). The settings
     * parsers report an engine this machine cannot run first ({@link #problemWith}).
     *
     * @throws IllegalArgumentException for a name that is no engine
     * @throws UnsatisfiedLinkError     naming why this machine cannot run a native engine
     */
    public static IoRuntime named(String name) {
        return switch (name) {
            case "auto" -> best();
            case "io_uring" -> {
                IoUring.ensureAvailability();
                yield ioUring();
            }
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield epoll();
            }
            case "nio" -> nio();
            default -> throw new IllegalArgumentException(
                    "no I/O engine named '" + name + "'; expected auto or one of " + ENGINES);
        };
    }

    /**
     * What is wrong with {@code name} as a transport's {@code io-engine}, for a configuration error;
     * empty when this machine can run it.
     */
    public static Optional<String> problemWith(String name) {
        if (!name.equals("auto") && !ENGINES.contains(name)) {
            return Optional.of("auto (the fastest this machine runs) or one of " + String.join(", ", ENGINES));
        }
        Throwable cause = switch (name) {
            case "io_uring" -> IoUring.unavailabilityCause();
            case "epoll" -> Epoll.unavailabilityCause();
            default -> null;
        };
        return cause == null ? Optional.empty()
                : Optional.of("an engine this machine runs, or auto; " + name + " is not available here ("
                        + cause + ")");
    }

    private static IoRuntime ioUring() {
        return new IoRuntime("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class, IoUringDatagramChannel.class);
    }

    private static IoRuntime epoll() {
        return new IoRuntime("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, EpollDatagramChannel.class);
    }

    /** NIO, which works everywhere. */
    public static IoRuntime nio() {
        return new IoRuntime("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class);
    }

    /** Says, at start-up, which engine runs, and why not io_uring when it is another. */
    public void logChoice(Logger log) {
        if (name.equals("io_uring")) {
            log.info("using io_uring");
            return;
        }
        Throwable ioUring = IoUring.unavailabilityCause();
        if (name.equals("epoll")) {
            log.info("using epoll{}", ioUring == null ? "" : ": io_uring is not available here (" + ioUring + ")");
            return;
        }
        Throwable epoll = Epoll.unavailabilityCause();
        log.info("using NIO{}", epoll == null ? "" : ": native epoll is not available here (" + epoll + ")"
                + (ioUring == null ? "" : ", nor io_uring (" + ioUring + ")"));
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
        return switch (name) {
            case "io_uring" -> new IoUringSocketChannel();
            case "epoll" -> new EpollSocketChannel(family);
            default -> new NioSocketChannel(SelectorProvider.provider(), family);
        };
    }

    /** A new, unbound listening channel of the family of {@code address}. */
    public ServerSocketChannel newServerSocketChannel(InetAddress address) {
        SocketProtocolFamily family = familyOf(address);
        return switch (name) {
            case "io_uring" -> new IoUringServerSocketChannel();
            case "epoll" -> new EpollServerSocketChannel(family);
            default -> new NioServerSocketChannel(SelectorProvider.provider(), family);
        };
    }

    /**
     * Keep-alive probes on every accepted connection. The native engines set {@code SO_KEEPALIVE}
     * once, on the listening socket, and Linux gives it to each connection that socket accepts:
     * one system call per connection fewer than setting it on each (within the benchmark's noise
     * when a client opens a connection per request). NIO sets it on each.
     */
    public ServerBootstrap keepAliveOnAccepted(ServerBootstrap server) {
        return reusePortOption().isPresent()
                ? server.option(LISTENER_KEEPALIVE, 1)
                : server.childOption(ChannelOption.SO_KEEPALIVE, true);
    }

    /**
     * The option that lets each event loop have a listening socket of its own on one port
     * ({@code SO_REUSEPORT}), or empty where the engine has none (NIO).
     */
    public Optional<ChannelOption<Boolean>> reusePortOption() {
        return switch (name) {
            case "io_uring" -> Optional.of(IoUringChannelOption.SO_REUSEPORT);
            case "epoll" -> Optional.of(EpollChannelOption.SO_REUSEPORT);
            default -> Optional.empty();
        };
    }

    private static SocketProtocolFamily familyOf(InetAddress address) {
        return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    /** A new event loop group of {@code threads} threads named after {@code threadPrefix}. */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlerFactory);
    }
}
