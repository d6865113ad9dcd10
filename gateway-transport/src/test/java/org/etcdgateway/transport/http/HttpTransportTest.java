package org.etcdgateway.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The v2 proxy against real sockets on loopback, with hand-written HTTP endpoints and clients. */
@Timeout(30)
class HttpTransportTest {

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

    @Test
    void forwardsMethodTargetBodyAndHeadersKeepingHostAndAppendingTheClientToXForwardedFor() throws Exception {
        FakeEndpoint member = endpoint(FakeEndpoint.answering(201, "{\"action\":\"set\"}",
                "Content-Type: application/json", "X-Etcd-Index: 7"));
        HttpTransport proxy = start(settings(false), member.endpoint());

        RawHttpClient.Response response;
        try (RawHttpClient client = client(proxy)) {
            response = client.exchange("PUT", "/v2/keys/foo?prevExist=false", "value=bar",
                    "Host: members.example:2379", "Content-Type: application/x-www-form-urlencoded",
                    "X-Custom: one", "X-Forwarded-For: 10.1.2.3");
        }

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("{\"action\":\"set\"}");
        assertThat(response.header("x-etcd-index")).isEqualTo("7");
        assertThat(response.header("content-type")).isEqualTo("application/json");
        FakeEndpoint.ReceivedRequest received = member.requests().get(0);
        assertThat(received.method()).isEqualTo("PUT");
        assertThat(received.target()).isEqualTo("/v2/keys/foo?prevExist=false");
        assertThat(received.bodyText()).isEqualTo("value=bar");
        assertThat(received.header("host")).isEqualTo("members.example:2379");
        assertThat(received.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(received.header("x-custom")).isEqualTo("one");
        assertThat(received.header("x-forwarded-for")).isEqualTo("10.1.2.3, 127.0.0.1");
    }

    @Test
    void anHttp10RequestWithoutHostGetsTheEndpointsAuthorityAsHost() throws Exception {
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "value"));
        HttpTransport proxy = start(settings(false), member.endpoint());
        InetSocketAddress address = proxy.listenAddresses().get(0);
        try (java.net.Socket socket = new java.net.Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /v2/keys/foo HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.0 200").endsWith("value");
        }
        assertThat(member.requests().get(0).header("host")).isEqualTo(member.endpoint().authority());
    }

    @Test
    void hopByHopHeadersAreStrippedBothWays() throws Exception {
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "ok",
                "Connection: X-Member-Private", "X-Member-Private: secret", "Keep-Alive: timeout=5",
                "Proxy-Authenticate: Basic", "Upgrade: h2c", "Trailer: X-Checksum", "X-Member-Public: yes"));
        HttpTransport proxy = start(settings(false), member.endpoint());

        RawHttpClient.Response response;
        try (RawHttpClient client = client(proxy)) {
            response = client.exchange("GET", "/v2/keys/foo", null,
                    "Connection: keep-alive, X-Client-Private", "X-Client-Private: secret", "Keep-Alive: 300",
                    "Proxy-Authorization: Basic Zm9vOmJhcg==", "Proxy-Connection: keep-alive", "TE: trailers",
                    "Upgrade: websocket", "X-Client-Public: yes");
        }

        FakeEndpoint.ReceivedRequest received = member.requests().get(0);
        assertThat(received.headers()).doesNotContainKeys("x-client-private", "keep-alive", "proxy-authorization",
                "proxy-connection", "te", "upgrade", "connection");
        assertThat(received.header("x-client-public")).isEqualTo("yes");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.head().headers()).doesNotContainKeys("x-member-private", "keep-alive", "proxy-authenticate",
                "upgrade", "trailer", "connection");
        assertThat(response.header("x-member-public")).isEqualTo("yes");
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void readonlyAnswers501WithAnEmptyBodyAndForwardsNothingButGet() throws Exception {
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "value"));
        HttpTransport proxy = start(settings(true), member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            for (String method : List.of("PUT", "POST", "DELETE", "HEAD")) {
                RawHttpClient.Response refused = client.exchange(method, "/v2/keys/foo", method.equals("HEAD") ? null : "value=x");
                assertThat(refused.status()).as(method).isEqualTo(501);
                assertThat(refused.body()).as(method).isEmpty();
                assertThat(refused.header("content-length")).as(method).isEqualTo("0");
            }
            assertThat(member.requests()).isEmpty();

            RawHttpClient.Response read = client.exchange("GET", "/v2/keys/foo", null);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("value");
        }
        assertThat(member.requests()).extracting(FakeEndpoint.ReceivedRequest::method).containsExactly("GET");
    }

    @Test
    void theConfigurationPathListsTheUsableEndpointsAndIsNotForwarded() throws Exception {
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "member"));
        HttpTransport proxy = start(settings(false), member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            RawHttpClient.Response response = client.exchange("GET", "/v2/config/local/proxy", null);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).isEqualTo("application/json");
            assertThat(response.body()).isEqualTo("{\"endpoints\":[\"http://127.0.0.1:" + member.endpoint().port() + "\"]}");
        }
        assertThat(member.requests()).isEmpty();
    }

    @Test
    void aRefusedEndpointIsFailedForFailureWaitAndTheRequestIsReplayedOnTheNext() throws Exception {
        int refusedPort = closedPort();
        Endpoint refused = Endpoint.of("127.0.0.1", refusedPort, "test");
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "stored"));
        HttpSettings settings = new HttpSettings(List.of(new HostAndPort("127.0.0.1", 0)), false, Duration.ofMillis(300),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024 * 1024, 128, Duration.ZERO, 1, NO_CHECKS);
        HttpTransport proxy = start(settings, refused, member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            RawHttpClient.Response response = client.exchange("PUT", "/v2/keys/foo", "value=replayed");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("stored");
        }
        assertThat(member.requests()).extracting(FakeEndpoint.ReceivedRequest::bodyText).containsExactly("value=replayed");
        assertThat(proxy.pool().usable()).containsExactly(member.endpoint());

        FakeEndpoint revived = endpoint(FakeEndpoint.answering(200, "revived"), refusedPort);
        await(() -> proxy.pool().usable().contains(revived.endpoint()), Duration.ofSeconds(5));
        try (RawHttpClient client = client(proxy)) {
            assertThat(client.exchange("GET", "/v2/keys/foo", null).body()).isEqualTo("revived");
        }
    }

    @Test
    void whenNoEndpointAnswersTheClientGets502ThenWhileAllAreOut503AsEtcdStyleJson() throws Exception {
        Endpoint refused = Endpoint.of("127.0.0.1", closedPort(), "test");
        HttpTransport proxy = start(settings(false), refused);

        try (RawHttpClient client = client(proxy)) {
            RawHttpClient.Response unanswered = client.exchange("GET", "/v2/keys/foo", null);
            assertThat(unanswered.status()).isEqualTo(502);
            assertThat(unanswered.header("content-type")).isEqualTo("application/json");
            assertThat(unanswered.body()).isEqualTo("{\"message\":\"proxy: unable to get response from 1 endpoint(s)\"}");

            RawHttpClient.Response none = client.exchange("GET", "/v2/keys/foo", null);
            assertThat(none.status()).isEqualTo(503);
            assertThat(none.header("content-type")).isEqualTo("application/json");
            assertThat(none.body()).isEqualTo("{\"message\":\"proxy: zero endpoints currently available\"}");
        }
    }

    @Test
    void aRequestThatComesBackToTheProxyIsAnswered508InsteadOfGoingRound() throws Exception {
        // Two proxies that name each other as their endpoint: A -> B -> A.
        int portOfA = closedPort();
        HttpTransport proxyB = start(settings(false), Endpoint.of("127.0.0.1", portOfA, "test"));
        InetSocketAddress addressOfB = proxyB.listenAddresses().get(0);
        HttpSettings settingsOfA = new HttpSettings(List.of(new HostAndPort("127.0.0.1", portOfA)), false, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024 * 1024, 128, Duration.ZERO, 1, NO_CHECKS);
        HttpTransport proxyA = start(settingsOfA, Endpoint.of("127.0.0.1", addressOfB.getPort(), "test"));

        try (RawHttpClient client = client(proxyA)) {
            RawHttpClient.Response response = client.exchange("GET", "/v2/keys/foo", null);
            assertThat(response.status()).isEqualTo(508);
            assertThat(response.header("content-type")).isEqualTo("application/json");
            assertThat(response.body()).startsWith("{\"message\":\"proxy: loop detected");
        }
    }

    @Test
    void anEndpointThatIsTheProxysOwnListenUrlIsNeverUsed() throws Exception {
        int port = closedPort();
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "member"));
        HttpSettings settings = new HttpSettings(List.of(new HostAndPort("127.0.0.1", port)), false, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024 * 1024, 128, Duration.ZERO, 1, NO_CHECKS);
        HttpTransport proxy = start(settings, Endpoint.of("localhost", port, "test"), member.endpoint());

        assertThat(proxy.pool().all()).containsExactly(member.endpoint());
        try (RawHttpClient client = client(proxy)) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.exchange("GET", "/v2/keys/foo", null).body()).isEqualTo("member");
            }
        }
    }

    @Test
    void whenEveryEndpointIsTheProxyItselfTheStartFails() throws Exception {
        int port = closedPort();
        HttpSettings settings = new HttpSettings(List.of(new HostAndPort("127.0.0.1", port)), false, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024 * 1024, 128, Duration.ZERO, 1, NO_CHECKS);
        HttpTransport proxy = new HttpTransport(settings,
                new TransportContext(new FixedDiscovery(List.of(Endpoint.of("127.0.0.1", port, "test"))), new FirstCandidate()));
        assertThatThrownBy(proxy::start)
                .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isConfigurationError()).isTrue())
                .hasMessageContaining("loop");
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aStreamedResponseReachesTheClientChunkByChunkAsTheEndpointSendsIt(IoRuntime io) throws Exception {
        AtomicLong chunkSentAt = new AtomicLong();
        FakeEndpoint member = endpoint((request, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            Thread.sleep(500);
            chunkSentAt.set(System.nanoTime());
            write(out, chunk("{\"action\":\"set\"}"));
            Thread.sleep(300);
            write(out, chunk("{\"action\":\"delete\"}") + "0\r\n\r\n");
        });
        HttpTransport proxy = start(io, settings(false), member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            long sent = System.nanoTime();
            client.send("GET", "/v2/keys/foo?wait=true&stream=true", null);
            RawHttpClient.Head head = client.readHead();
            long headMillis = (System.nanoTime() - sent) / 1_000_000;
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.chunked()).isTrue();
            assertThat(headMillis).as("the head arrives before the first event").isLessThan(400);

            assertThat(client.readChunk()).isEqualTo("{\"action\":\"set\"}");
            long chunkMillis = (System.nanoTime() - chunkSentAt.get()) / 1_000_000;
            assertThat(chunkMillis).as("from the endpoint's write to the client's read").isLessThan(100);
            assertThat(client.readChunk()).isEqualTo("{\"action\":\"delete\"}");
            assertThat(client.readChunk()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aClientThatGoesAwayClosesTheConnectionToTheEndpoint(IoRuntime io) throws Exception {
        FakeEndpoint member = endpoint((request, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("{\"watching\":true}"));
            // A watch that never fires: the next read sees the proxy hang up.
            socket.getInputStream().read();
        });
        HttpTransport proxy = start(io, settings(false), member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            client.send("GET", "/v2/keys/foo?wait=true", null);
            assertThat(client.readHead().status()).isEqualTo(200);
            assertThat(client.readChunk()).isEqualTo("{\"watching\":true}");
        }
        await(() -> member.closedByProxy() == 1, Duration.ofSeconds(5));
        assertThat(member.connections()).isEqualTo(1);
    }

    @Test
    void keepAliveConnectionsToTheEndpointAreReusedForSequentialRequests() throws Exception {
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "value"));
        HttpTransport proxy = start(settings(false), member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.exchange("GET", "/v2/keys/foo", null).body()).isEqualTo("value");
            }
        }
        try (RawHttpClient another = client(proxy)) {
            assertThat(another.exchange("PUT", "/v2/keys/foo", "value=x").body()).isEqualTo("value");
        }
        assertThat(member.requests()).hasSize(4);
        assertThat(member.connections()).isEqualTo(1);
    }

    @Test
    void afterABurstUpToMaxIdleConnectionsStayOpenForTheNextRequestsAndTheRestAreClosed() throws Exception {
        int burst = 4;
        CountDownLatch allArrived = new CountDownLatch(burst);
        FakeEndpoint member = endpoint((request, socket, out) -> {
            // Every request of the burst holds its connection until all have arrived.
            allArrived.countDown();
            allArrived.await(5, TimeUnit.SECONDS);
            FakeEndpoint.answering(200, "value").respond(request, socket, out);
        });
        HttpSettings twoIdle = new HttpSettings(List.of(new HostAndPort("127.0.0.1", 0)), false, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024 * 1024, 2, Duration.ZERO, 1, NO_CHECKS);
        HttpTransport proxy = start(twoIdle, member.endpoint());

        List<RawHttpClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < burst; i++) {
                RawHttpClient client = client(proxy);
                clients.add(client);
                client.send("GET", "/v2/keys/foo", null);
            }
            for (RawHttpClient client : clients) {
                assertThat(client.readResponse("GET").body()).isEqualTo("value");
            }
            assertThat(member.connections()).isEqualTo(burst);
            await(() -> member.closedByProxy() == burst - 2, Duration.ofSeconds(5));

            for (int i = 0; i < 2; i++) {
                assertThat(clients.get(i).exchange("GET", "/v2/keys/foo", null).body()).isEqualTo("value");
            }
            assertThat(member.connections()).as("the next requests took the idle connections").isEqualTo(burst);
        } finally {
            for (RawHttpClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void anEndpointThatClosesAfterEachResponseIsNotCountedAsFailed() throws Exception {
        FakeEndpoint member = endpoint((request, socket, out) -> {
            FakeEndpoint.answering(200, "once").respond(request, socket, out);
            socket.close();
        });
        HttpTransport proxy = start(settings(false), member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            for (int i = 0; i < 5; i++) {
                RawHttpClient.Response response = client.exchange("GET", "/v2/keys/foo", null);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("once");
            }
        }
        assertThat(proxy.pool().usable()).containsExactly(member.endpoint());
    }

    @Test
    void anEndpointSilentForTheReadTimeoutIsFailedAndTheRequestReplayed() throws Exception {
        FakeEndpoint silent = endpoint((request, socket, out) -> socket.getInputStream().read());
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "answered"));
        HttpSettings settings = new HttpSettings(List.of(new HostAndPort("127.0.0.1", 0)), false, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(300), 1024 * 1024, 128, Duration.ZERO, 1, NO_CHECKS);
        HttpTransport proxy = start(settings, silent.endpoint(), member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            long started = System.nanoTime();
            RawHttpClient.Response response = client.exchange("GET", "/v2/keys/foo", null);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(response.body()).isEqualTo("answered");
            assertThat(millis).as("one read timeout, then the next endpoint").isBetween(250L, 3_000L);
        }
        assertThat(proxy.pool().usable()).containsExactly(member.endpoint());
        await(() -> silent.closedByProxy() == 1, Duration.ofSeconds(5));
    }

    @Test
    void aBodyOverTheLimitIsAnswered413AndNotForwarded() throws Exception {
        FakeEndpoint member = endpoint(FakeEndpoint.answering(200, "value"));
        HttpSettings settings = new HttpSettings(List.of(new HostAndPort("127.0.0.1", 0)), false, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024, 128, Duration.ZERO, 1, NO_CHECKS);
        HttpTransport proxy = start(settings, member.endpoint());

        try (RawHttpClient client = client(proxy)) {
            RawHttpClient.Response response = client.exchange("PUT", "/v2/keys/big", "v".repeat(2048));
            assertThat(response.status()).isEqualTo(413);
        }
        assertThat(member.requests()).isEmpty();
    }

    @Test
    void stoppingClosesIdleClientsAtOnceAndLetsARequestInFlightFinish() throws Exception {
        FakeEndpoint member = endpoint((request, socket, out) -> {
            Thread.sleep(request.target().contains("slow") ? 400 : 0);
            FakeEndpoint.answering(200, "done").respond(request, socket, out);
        });
        HttpSettings settings = new HttpSettings(List.of(new HostAndPort("127.0.0.1", 0)), false, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024 * 1024, 128, Duration.ofSeconds(5), 1, NO_CHECKS);
        HttpTransport proxy = start(settings, member.endpoint());

        try (RawHttpClient idle = client(proxy); RawHttpClient busy = client(proxy)) {
            assertThat(idle.exchange("GET", "/v2/keys/foo", null).status()).isEqualTo(200);
            busy.send("GET", "/v2/keys/slow", null);
            await(() -> member.requests().size() == 2, Duration.ofSeconds(5));
            long started = System.nanoTime();
            Thread stopper = new Thread(proxy::close);
            stopper.start();

            assertThat(idle.readByte()).isEqualTo(-1);
            RawHttpClient.Response response = busy.readResponse("GET");
            assertThat(response.body()).isEqualTo("done");
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(busy.readByte()).isEqualTo(-1);
            stopper.join(5_000);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_000);
        }
    }

    // --- helpers ---

    private static HttpSettings settings(boolean readOnly) {
        return new HttpSettings(List.of(new HostAndPort("127.0.0.1", 0)), readOnly, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, 1024 * 1024, 128, Duration.ZERO, 1, NO_CHECKS);
    }

    private HttpTransport start(HttpSettings settings, Endpoint... endpoints) throws TransportException {
        return start(IoRuntime.best(), settings, endpoints);
    }

    private HttpTransport start(IoRuntime io, HttpSettings settings, Endpoint... endpoints) throws TransportException {
        HttpTransport transport = new HttpTransport(settings,
                new TransportContext(new FixedDiscovery(List.of(endpoints)), new FirstCandidate()), io);
        transport.start();
        closeAfter.add(transport);
        return transport;
    }

    private FakeEndpoint endpoint(FakeEndpoint.Responder responder) throws IOException {
        return endpoint(responder, 0);
    }

    private FakeEndpoint endpoint(FakeEndpoint.Responder responder, int port) throws IOException {
        FakeEndpoint endpoint = new FakeEndpoint(responder, port);
        closeAfter.add(endpoint);
        return endpoint;
    }

    private static RawHttpClient client(HttpTransport proxy) throws IOException {
        return new RawHttpClient(proxy.listenAddresses().get(0));
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
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

    /** Always the first usable endpoint: makes the replay order predictable. */
    private static final class FirstCandidate implements LoadBalancingPolicy {
        @Override
        public Endpoint pick(List<Endpoint> candidates) {
            return candidates.get(0);
        }
    }
}
