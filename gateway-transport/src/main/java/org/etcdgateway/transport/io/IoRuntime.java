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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.etcdgateway.api.config.SettingsReader;
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
public record IoRuntime(Engine engine, IoHandlerFactory ioHandlerFactory,
                 Class<? extends SocketChannel> socketChannelType,
                 Class<? extends DatagramChannel> datagramChannelType) {

    /** The I/O engines, fastest first; {@code io-engine = auto} means the first this machine runs. */
    public enum Engine {
        IO_URING("io_uring"),
        EPOLL("epoll"),
        NIO("nio");

        private final String configName;

        Engine(String configName) {
            this.configName = configName;
        }

        /** How {@code io-engine} names it. */
        public String configName() {
            return configName;
        }

        /** Why this machine cannot run it, or null when it can. */
        Throwable unavailabilityCause() {
            return switch (this) {
                case IO_URING -> IoUring.unavailabilityCause();
                case EPOLL -> Epoll.unavailabilityCause();
                case NIO -> null;
            };
        }

        static Optional<Engine> named(String configName) {
            return Arrays.stream(values()).filter(engine -> engine.configName.equals(configName)).findFirst();
        }
    }

    /** The engines' names for {@code io-engine}, fastest first. */
    public static final List<String> ENGINES = Arrays.stream(Engine.values()).map(Engine::configName).toList();

    /**
     * {@code SO_KEEPALIVE} as a raw socket option, which a listening socket takes too (Netty's own
     * is for connected sockets only): level {@code SOL_SOCKET} (1), option 9, on Linux.
     */
    private static final IntegerUnixChannelOption LISTENER_KEEPALIVE =
            new IntegerUnixChannelOption("SO_KEEPALIVE", 1, 9);

    /** io_uring when the kernel allows it, else native epoll when Netty can load it, else NIO. */
    public static IoRuntime best() {
        return of(Arrays.stream(Engine.values()).filter(engine -> engine.unavailabilityCause() == null)
                .findFirst().orElse(Engine.NIO));
    }

    /**
     * The engine named {@code name} ({@code auto} or one of {@link #ENGINES}). The settings
     * parsers report a name that is no engine, or one this machine cannot run, first
     * ({@link #engineSetting}).
     *
     * @throws IllegalArgumentException for a name that is no engine, or one this machine cannot run
     */
    public static IoRuntime named(String name) {
        problemWith(name).ifPresent(expected -> {
            throw new IllegalArgumentException("io-engine '" + name + "': expected " + expected);
        });
        return name.equals("auto") ? best() : of(Engine.named(name).orElseThrow());
    }

    /**
     * Reads a transport's {@code io-engine}, reporting to {@code settings} a name that is no
     * engine, or one this machine cannot run.
     */
    public static String engineSetting(SettingsReader settings) {
        String name = settings.string("io-engine");
        problemWith(name).ifPresent(expected -> settings.error("io-engine", name, expected));
        return name;
    }

    /**
     * What is wrong with {@code name} as a transport's {@code io-engine}, for a configuration error;
     * empty when this machine can run it.
     */
    static Optional<String> problemWith(String name) {
        if (name.equals("auto")) {
            return Optional.empty();
        }
        Optional<Engine> engine = Engine.named(name);
        if (engine.isEmpty()) {
            return Optional.of("auto (the fastest this machine runs) or one of " + String.join(", ", ENGINES));
        }
        Throwable cause = engine.get().unavailabilityCause();
        return cause == null ? Optional.empty()
                : Optional.of("an engine this machine runs, or auto; " + name + " is not available here ("
                        + cause + ")");
    }

    /** NIO, which works everywhere. */
    public static IoRuntime nio() {
        return of(Engine.NIO);
    }

    private static IoRuntime of(Engine engine) {
        return switch (engine) {
            case IO_URING -> new IoRuntime(engine, IoUringIoHandler.newFactory(), IoUringSocketChannel.class,
                    IoUringDatagramChannel.class);
            case EPOLL -> new IoRuntime(engine, EpollIoHandler.newFactory(), EpollSocketChannel.class,
                    EpollDatagramChannel.class);
            case NIO -> new IoRuntime(engine, NioIoHandler.newFactory(), NioSocketChannel.class,
                    NioDatagramChannel.class);
        };
    }

    /** The engine's name, as {@code io-engine} names it. */
    public String name() {
        return engine.configName();
    }

    /** Says, at start-up, which engine runs, and why not a faster one. */
    public void logChoice(Logger log) {
        List<Engine> faster = Arrays.stream(Engine.values()).filter(other -> other.ordinal() < engine.ordinal()).toList();
        if (faster.stream().anyMatch(other -> other.unavailabilityCause() == null)) {
            log.info("using {}, as io-engine asks", name());
            return;
        }
        List<String> why = faster.stream()
                .map(other -> other.configName() + " is not available here (" + other.unavailabilityCause() + ")")
                .toList();
        log.info("using {}{}", name(), why.isEmpty() ? "" : ": " + String.join(", ", why));
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
        return switch (engine) {
            case IO_URING -> new IoUringSocketChannel();
            case EPOLL -> new EpollSocketChannel(family);
            case NIO -> new NioSocketChannel(SelectorProvider.provider(), family);
        };
    }

    /** A new, unbound listening channel of the family of {@code address}. */
    public ServerSocketChannel newServerSocketChannel(InetAddress address) {
        SocketProtocolFamily family = familyOf(address);
        return switch (engine) {
            case IO_URING -> new IoUringServerSocketChannel();
            case EPOLL -> new EpollServerSocketChannel(family);
            case NIO -> new NioServerSocketChannel(SelectorProvider.provider(), family);
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
        return switch (engine) {
            case IO_URING -> Optional.of(IoUringChannelOption.SO_REUSEPORT);
            case EPOLL -> Optional.of(EpollChannelOption.SO_REUSEPORT);
            case NIO -> Optional.empty();
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
