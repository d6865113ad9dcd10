package org.etcdgateway.transport.io;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

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

    /** Why native epoll is not used, for the start-up log; null when it is. */
    public static Throwable epollUnavailabilityCause() {
        return Epoll.unavailabilityCause();
    }

    /** A new event loop group of {@code threads} threads named after {@code threadPrefix}. */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlerFactory);
    }
}
