package org.etcdgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link IdleConnections} against a local server that accepts every connection and keeps it. */
class IdleConnectionsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ServerSocketChannel server;
    private Thread acceptor;
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (ClosedChannelException closed) {
                // The test is over.
            } catch (IOException e) {
                throw new IllegalStateException("accepting failed", e);
            }
        }, "idle-connections-test-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        acceptor.join(5_000);
        for (SocketChannel channel : accepted) {
            channel.close();
        }
    }

    @Test
    void holdsEveryConnectionOpenUntilClosed() throws Exception {
        int count = 2_000;

        try (IdleConnections connections = IdleConnections.open(address(), count, TIMEOUT)) {
            assertThat(connections.count()).isEqualTo(count);
            await("the server to accept " + count + " connections", () -> accepted.size() == count);
            assertThat(accepted).hasSize(count);
            assertThat(connections.stillOpen()).isEqualTo(count);
        }

        for (SocketChannel channel : accepted) {
            channel.configureBlocking(false);
        }
        await("end of stream on every server-side connection", () -> accepted.stream().allMatch(this::sawEndOfStream));
    }

    @Test
    void doesNotCountConnectionsThePeerClosed() throws Exception {
        int count = 50;
        try (IdleConnections connections = IdleConnections.open(address(), count, TIMEOUT)) {
            await("the server to accept " + count + " connections", () -> accepted.size() == count);

            for (SocketChannel channel : accepted.subList(0, 5)) {
                channel.close();
            }

            await("the client to see 5 connections closed", () -> connections.stillOpen() == count - 5);
            assertThat(connections.stillOpen()).isEqualTo(count - 5);
        }
    }

    @Test
    void failsNamingTheTargetWhenNobodyListens() throws IOException {
        InetSocketAddress nobody;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }

        assertThatThrownBy(() -> IdleConnections.open(nobody, 3, TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(nobody.toString());
    }

    @Test
    void readsTheOpenFilesLimit() {
        assertThat(IdleConnections.openFilesLimit()).matches("soft \\S+, hard \\S+");
    }

    private InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    /** True once {@code channel}, non-blocking, reads end of stream; bytes before it are skipped. */
    private boolean sawEndOfStream(SocketChannel channel) {
        ByteBuffer scratch = ByteBuffer.allocate(64);
        try {
            int read;
            do {
                scratch.clear();
                read = channel.read(scratch);
            } while (read > 0);
            return read < 0;
        } catch (IOException e) {
            // A reset is an end too.
            return true;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
