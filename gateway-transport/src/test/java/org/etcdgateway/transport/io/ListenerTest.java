package org.etcdgateway.transport.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.etcdgateway.api.HostAndPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenerTest {

    private static final int CONNECTIONS = 64;

    /** For each accepted connection: the loop that accepted it, then the loop it was registered on. */
    private final BlockingQueue<EventLoop[]> accepted = new LinkedBlockingQueue<>();
    private final List<Socket> clients = new ArrayList<>();
    private MultiThreadIoEventLoopGroup group;

    @AfterEach
    void close() throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void withEpollEveryLoopAcceptsAndKeepsWhatItAccepts() throws Exception {
        assertThat(Epoll.isAvailable()).as("native epoll, which this gateway runs on in Linux").isTrue();
        IoRuntime io = IoRuntime.best();
        group = io.newEventLoopGroup(2, "listener-test");
        Listener listener = Listener.bind(io, group, template(io), HostAndPort.parse("127.0.0.1:0"));
        listener.accept();

        connect(listener.localAddress(), CONNECTIONS);

        Set<EventLoop> acceptingLoops = new HashSet<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            EventLoop[] loops = accepted.poll(5, TimeUnit.SECONDS);
            assertThat(loops).as("connection %d accepted", i).isNotNull();
            assertThat(loops[1]).as("the loop connection %d is served on", i).isSameAs(loops[0]);
            acceptingLoops.add(loops[0]);
        }
        // The kernel spreads connections by a hash of their addresses: 64 all on one socket of two would be a bug.
        assertThat(acceptingLoops).hasSize(2);
        listener.close();
    }

    @Test
    void aPortInUseIsRefusedThoughTheSocketsShareIt() throws Exception {
        assertThat(Epoll.isAvailable()).as("native epoll, which this gateway runs on in Linux").isTrue();
        IoRuntime io = IoRuntime.best();
        group = io.newEventLoopGroup(2, "listener-test");
        Listener first = Listener.bind(io, group, template(io), HostAndPort.parse("127.0.0.1:0"));
        HostAndPort taken = HostAndPort.of(first.localAddress());

        assertThatThrownBy(() -> Listener.bind(io, group, template(io), taken))
                .hasMessageContaining("in use");
        first.close();
        // Closed: the address is free again. io_uring closes a socket once the accept it has
        // under way is cancelled, a moment after the channel reports closed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            try {
                Listener.bind(io, group, template(io), taken).close();
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    @Test
    void connectionsWaitInTheBacklogUntilItAccepts() throws Exception {
        IoRuntime io = IoRuntime.best();
        group = io.newEventLoopGroup(2, "listener-test");
        Listener listener = Listener.bind(io, group, template(io), HostAndPort.parse("127.0.0.1:0"));

        connect(listener.localAddress(), 4);
        assertThat(accepted.poll(300, TimeUnit.MILLISECONDS)).as("a connection accepted before accept()").isNull();

        listener.accept();
        for (int i = 0; i < 4; i++) {
            assertThat(accepted.poll(5, TimeUnit.SECONDS)).as("waiting connection %d accepted", i).isNotNull();
        }
        listener.close();
    }

    @Test
    void withNioOneSocketAcceptsForAllLoops() throws Exception {
        IoRuntime io = IoRuntime.nio();
        group = io.newEventLoopGroup(2, "listener-test");
        Listener listener = Listener.bind(io, group, template(io), HostAndPort.parse("127.0.0.1:0"));
        listener.accept();

        connect(listener.localAddress(), 8);

        Set<EventLoop> acceptingLoops = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            EventLoop[] loops = accepted.poll(5, TimeUnit.SECONDS);
            assertThat(loops).as("connection %d accepted", i).isNotNull();
            acceptingLoops.add(loops[0]);
        }
        assertThat(acceptingLoops).hasSize(1);
        listener.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void everyAcceptedConnectionSendsKeepAliveProbes(String engine) throws Exception {
        IoRuntime io = IoRuntime.named(engine);
        group = io.newEventLoopGroup(2, "listener-test");
        BlockingQueue<Boolean> keepAlive = new LinkedBlockingQueue<>();
        ServerBootstrap server = io.keepAliveOnAccepted(new ServerBootstrap())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // Read from the kernel (getsockopt), not from Netty's memory of what it set.
                        keepAlive.add(channel.config().getOption(ChannelOption.SO_KEEPALIVE));
                    }
                });
        Listener listener = Listener.bind(io, group, server, HostAndPort.parse("127.0.0.1:0"));
        listener.accept();

        connect(listener.localAddress(), 4);

        for (int i = 0; i < 4; i++) {
            assertThat(keepAlive.poll(5, TimeUnit.SECONDS)).as("SO_KEEPALIVE of accepted connection %d", i).isTrue();
        }
        listener.close();
    }

    private ServerBootstrap template(IoRuntime io) {
        return new ServerBootstrap()
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        Channel server = channel.parent();
                        accepted.add(new EventLoop[] {server.eventLoop(), channel.eventLoop()});
                    }
                });
    }

    private void connect(InetSocketAddress address, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Socket client = new Socket();
            client.connect(address, 2000);
            clients.add(client);
        }
    }
}
