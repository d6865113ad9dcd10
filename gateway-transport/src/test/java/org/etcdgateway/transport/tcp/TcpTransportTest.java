package org.etcdgateway.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.api.transport.TransportException;
import org.etcdgateway.transport.health.HealthSettings;
import org.etcdgateway.transport.io.IoRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The relay against real sockets on loopback: backends are plain blocking servers of the test's own. */
class TcpTransportTest {

    /** These endpoints are test servers, not etcd members: only failed dials count. */
    private static final HealthSettings NO_CHECKS = new HealthSettings(HealthSettings.Check.NONE, Duration.ofSeconds(2),
            Duration.ofSeconds(1), 2, 3, Duration.ofSeconds(10));

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    /** Every engine the gateway may run on: io_uring, and epoll and NIO where the kernel allows less. */
    static Stream<IoRuntime> runtimes() {
        return IoRuntime.ENGINES.stream().map(IoRuntime::named);
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void relaysBytesBothWaysByteForByte(IoRuntime io) throws Exception {
        Backend echo = backend(Backend::echo);
        TcpTransport transport = start(io, settings(), List.of(echo.endpoint()));
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);
        try (Socket client = connect(transport)) {
            Thread writer = new Thread(() -> write(client, payload));
            writer.start();
            byte[] back = client.getInputStream().readNBytes(payload.length);
            writer.join();
            assertThat(back).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aHalfCloseReachesTheEndpointAndTheAnswerStillComesBack(IoRuntime io) throws Exception {
        // The backend reads to end of stream, then answers with the byte count and closes.
        Backend counter = backend(socket -> {
            long count = socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            socket.getOutputStream().write(("read " + count).getBytes(StandardCharsets.UTF_8));
        });
        TcpTransport transport = start(io, settings(), List.of(counter.endpoint()));
        try (Socket client = connect(transport)) {
            client.getOutputStream().write(new byte[100_000]);
            client.shutdownOutput();
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).isEqualTo("read 100000");
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void anEndpointsHalfCloseReachesTheClientWhichCanStillSend(IoRuntime io) throws Exception {
        // The backend greets, half-closes, then reads to end of stream and reports the count.
        CompletableFuture<Long> readByBackend = new CompletableFuture<>();
        Backend greeter = backend(socket -> {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            readByBackend.complete(socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
        });
        TcpTransport transport = start(io, settings(), List.of(greeter.endpoint()));
        try (Socket client = connect(transport)) {
            String greeting = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(greeting).as("the greeting, then the end of stream").isEqualTo("hello");
            client.getOutputStream().write(new byte[100_000]);
            client.shutdownOutput();
            assertThat(readByBackend.get(10, TimeUnit.SECONDS)).isEqualTo(100_000L);
        }
    }

    @Test
    void aHostNameIsResolvedWhenItIsDialled() throws Exception {
        Backend echo = backend(Backend::echo);
        Endpoint byName = Endpoint.of("localhost", echo.endpoint().port(), "test");
        TcpTransport transport = start(IoRuntime.best(), settings(), List.of(byName));
        assertEchoes(transport);
        assertThat(transport.pool().usable()).containsExactly(byName);
    }

    @Test
    void aRefusedEndpointIsSkippedAndTakenOutOfRotation() throws Exception {
        Endpoint refused = Endpoint.of("127.0.0.1", closedPort(), "test");
        Backend echo = backend(Backend::echo);
        TcpTransport transport = start(IoRuntime.best(), settings(), List.of(refused, echo.endpoint()));
        for (int i = 0; i < 5; i++) {
            assertEchoes(transport);
        }
        assertThat(transport.pool().usable()).containsExactly(echo.endpoint());
    }

    @Test
    void aBlackHoledEndpointCostsOneDialTimeoutThenTheNextIsUsed() throws Exception {
        Endpoint blackHole = blackHole();
        Backend echo = backend(Backend::echo);
        TcpSettings settings = new TcpSettings(new HostAndPort("127.0.0.1", 0), Duration.ofMillis(300),
                Duration.ofMinutes(1), Duration.ZERO, 1, NO_CHECKS);
        TcpTransport transport = start(IoRuntime.best(), settings, List.of(blackHole, echo.endpoint()));
        long started = System.nanoTime();
        assertEchoes(transport);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(millis).as("dial timeout 300ms, then the live endpoint").isBetween(250L, 3_000L);
        assertThat(transport.pool().usable()).containsExactly(echo.endpoint());
    }

    @Test
    void withNoEndpointLeftTheClientIsClosedAtOnce() throws Exception {
        Endpoint refused = Endpoint.of("127.0.0.1", closedPort(), "test");
        TcpTransport transport = start(IoRuntime.best(), settings(), List.of(refused));
        for (int i = 0; i < 3; i++) {
            try (Socket client = connect(transport)) {
                client.setSoTimeout(2_000);
                assertThat(readOrReset(client)).isEqualTo(-1);
            }
        }
    }

    @Test
    void anEndpointReturnsToRotationWhenTheRedialAfterTheRetryDelaySucceeds() throws Exception {
        int port = closedPort();
        Endpoint endpoint = Endpoint.of("127.0.0.1", port, "test");
        TcpSettings settings = new TcpSettings(new HostAndPort("127.0.0.1", 0), Duration.ofSeconds(1),
                Duration.ofMillis(200), Duration.ZERO, 1, NO_CHECKS);
        TcpTransport transport = start(IoRuntime.best(), settings, List.of(endpoint));
        try (Socket client = connect(transport)) {
            assertThat(readOrReset(client)).isEqualTo(-1);
        }
        assertThat(transport.pool().usable()).isEmpty();

        Backend echo = backend(Backend::echo, port);
        await(() -> transport.pool().usable().contains(echo.endpoint()), Duration.ofSeconds(5));
        assertEchoes(transport);
    }

    @Test
    void aSlowReaderStopsTheEndpointFromBeingReadRatherThanFillingTheGatewaysMemory() throws Exception {
        int total = 64 * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        Backend firehose = backend(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < total; sent += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) (sent + i);
                }
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        });
        TcpTransport transport = start(IoRuntime.best(), settings(), List.of(firehose.endpoint()));
        try (Socket client = connect(transport)) {
            client.setReceiveBufferSize(64 * 1024);
            // The client reads nothing yet: the backend must stall once the socket buffers and
            // the gateway's small write queue are full, far short of the 64 MiB.
            await(() -> written.get() > 0, Duration.ofSeconds(5));
            long stalledAt = waitUntilStable(written);
            assertThat(stalledAt).as("bytes the backend got rid of while the client read nothing").isLessThan(24L * 1024 * 1024);

            InputStream in = client.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long position = 0;
            int read;
            while ((read = in.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] != (byte) (position + i)) {
                        throw new AssertionError("byte " + (position + i) + " differs");
                    }
                }
                position += read;
            }
            assertThat(position).isEqualTo(total);
        }
    }

    @Test
    void anEndpointThatIsTheListenAddressIsRefusedAtStart() throws Exception {
        int port = closedPort();
        TcpSettings settings = new TcpSettings(new HostAndPort("127.0.0.1", port), Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ZERO, 1, NO_CHECKS);
        TcpTransport transport = new TcpTransport(settings,
                new TransportContext(new FixedDiscovery(List.of(Endpoint.of("localhost", port, "test"))), new FirstCandidate()),
                IoRuntime.best());
        assertThatThrownBy(transport::start)
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("localhost:" + port)
                .hasMessageContaining("loop");
        // Nothing is left bound.
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void stoppingRefusesNewClientsAtOnceAndClosesOpenOnesAfterTheDrainTimeout() throws Exception {
        Backend echo = backend(Backend::echo);
        TcpSettings settings = new TcpSettings(new HostAndPort("127.0.0.1", 0), Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofMillis(500), 1, NO_CHECKS);
        TcpTransport transport = start(IoRuntime.best(), settings, List.of(echo.endpoint()));
        InetSocketAddress address = transport.listenAddresses().get(0);
        try (Socket open = connect(transport)) {
            open.getOutputStream().write('x');
            assertThat(open.getInputStream().read()).isEqualTo('x');

            long started = System.nanoTime();
            Thread stopper = new Thread(transport::close);
            stopper.start();
            await(() -> !accepts(address), Duration.ofSeconds(2));
            // Still relaying during the drain.
            open.getOutputStream().write('y');
            assertThat(open.getInputStream().read()).isEqualTo('y');
            stopper.join(5_000);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(millis).isBetween(400L, 3_000L);
            open.setSoTimeout(2_000);
            assertThat(readOrReset(open)).isEqualTo(-1);
        }
    }

    // --- helpers ---

    private TcpSettings settings() {
        return new TcpSettings(new HostAndPort("127.0.0.1", 0), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ZERO, 2, NO_CHECKS);
    }

    private TcpTransport start(IoRuntime io, TcpSettings settings, List<Endpoint> endpoints) throws TransportException {
        TcpTransport transport = new TcpTransport(settings,
                new TransportContext(new FixedDiscovery(endpoints), new FirstCandidate()), io);
        transport.start();
        closeAfter.add(transport);
        return transport;
    }

    private Backend backend(Backend.Session session) throws IOException {
        return backend(session, 0);
    }

    private Backend backend(Backend.Session session, int port) throws IOException {
        Backend backend = new Backend(session, port);
        closeAfter.add(backend);
        return backend;
    }

    /** A listener whose accept queue is full and never drained: SYNs to it go unanswered, as to a black-holed host. */
    private Endpoint blackHole() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        closeAfter.add(server);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.getLocalPort());
        // Fill the queue until a connect no longer completes at once.
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            closeAfter.add(filler);
            try {
                filler.connect(address, 200);
            } catch (IOException timedOut) {
                break;
            }
        }
        return Endpoint.of("127.0.0.1", server.getLocalPort(), "test");
    }

    private static Socket connect(TcpTransport transport) throws IOException {
        InetSocketAddress address = transport.listenAddresses().get(0);
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void assertEchoes(TcpTransport transport) throws IOException {
        try (Socket client = connect(transport)) {
            client.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("ping");
        }
    }

    private static int readOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket probe = new Socket()) {
            probe.connect(address, 500);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException other) {
            return false;
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void write(Socket socket, byte[] payload) {
        try {
            socket.getOutputStream().write(payload);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    /** The counter's value once it has not moved for 300 ms (bounded by 10 s). */
    private static long waitUntilStable(AtomicLong counter) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = counter.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 300_000_000L) {
                return now;
            }
            Thread.sleep(10);
        }
        return counter.get();
    }

    /** A discovery of one fixed set. */
    private record FixedDiscovery(List<Endpoint> endpoints) implements EndpointDiscovery {
        @Override
        public void start(Listener listener) {
            listener.onEndpoints(endpoints);
        }

        @Override
        public void close() {
        }
    }

    /** Always the first usable endpoint: makes failover order predictable. */
    private static final class FirstCandidate implements LoadBalancingPolicy {
        @Override
        public Endpoint pick(List<Endpoint> candidates) {
            return candidates.get(0);
        }
    }

    /** A blocking TCP server on loopback that runs one session per connection on its own thread. */
    private static final class Backend implements AutoCloseable {

        interface Session {
            void run(Socket socket) throws IOException;
        }

        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Backend(Session session, int port) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", port));
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        sockets.add(socket);
                        Thread worker = new Thread(() -> {
                            try (socket) {
                                session.run(socket);
                            } catch (IOException ignored) {
                                // The test closed it.
                            }
                        });
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static void echo(Socket socket) throws IOException {
            socket.getInputStream().transferTo(socket.getOutputStream());
        }

        Endpoint endpoint() {
            return Endpoint.of("127.0.0.1", server.getLocalPort(), "test");
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

}
