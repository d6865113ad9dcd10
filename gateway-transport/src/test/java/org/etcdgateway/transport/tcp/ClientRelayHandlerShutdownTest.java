package org.etcdgateway.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.etcdgateway.transport.io.IoRuntime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Half-closing a relay side whose peer has already reset the connection. The kernel then refuses
 * the shutdown (ENOTCONN, which Netty raises as an unchecked {@code NotYetConnectedException}):
 * the relay must close that side, not let the exception escape into Netty's listener, which logs
 * it with its stack trace and leaves the channel as it was. With a new connection per request
 * this happened a few times a minute under load.
 */
class ClientRelayHandlerShutdownTest {

    @ParameterizedTest
    @MethodSource("org.etcdgateway.transport.tcp.TcpTransportTest#runtimes")
    void aSideWhosePeerResetIsClosedWithoutAnEscapingException(IoRuntime io) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        MultiThreadIoEventLoopGroup group = io.newEventLoopGroup(1, "shutdown-test");
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            SocketChannel channel = io.newSocketChannel(loopback);
            // Nothing is read: only the half-close meets the reset.
            channel.config().setOption(ChannelOption.AUTO_READ, false);
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
            group.next().register(channel).sync();
            channel.connect(new InetSocketAddress(loopback, server.getLocalPort())).sync();
            // The event loop is kept busy from before the reset until after the half-close, as
            // when both come in one batch of events: left to itself, a native engine sees the
            // reset first and closes the channel.
            CountDownLatch reset = new CountDownLatch(1);
            CompletableFuture<Throwable> escaped = new CompletableFuture<>();
            channel.eventLoop().execute(() -> {
                try {
                    assertThat(reset.await(5, TimeUnit.SECONDS)).isTrue();
                    Thread.sleep(200);
                    ClientRelayHandler.shutdownOutput(channel);
                    escaped.complete(null);
                } catch (Throwable e) {
                    escaped.complete(e);
                }
            });
            try (Socket accepted = server.accept()) {
                accepted.setSoLinger(true, 0);
            }
            reset.countDown();

            assertThat(escaped.get(5, TimeUnit.SECONDS)).as("what the half-close threw").isNull();
            if (io.engine() != IoRuntime.Engine.NIO) {
                // NIO's JDK channel ignores the kernel's refusal and shuts nothing; its next read
                // meets the reset. The native engines report it, and the relay closes the side.
                assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).as("the reset side closed").isTrue();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
