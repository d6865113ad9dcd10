package org.etcdgateway.transport.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etcdgateway.transport.health.TestLoops.verdict;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.etcdgateway.api.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /health} against real servers on loopback: what counts as healthy, and every way to fail. */
class HttpHealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static TestLoops loops;
    private static HttpHealthCheck check;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void startLoops() {
        loops = new TestLoops();
        check = loops.http(TIMEOUT);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
    }

    @Test
    void healthyWhenTheMemberAnswers200HealthTrue() throws Exception {
        HealthStub member = stub();

        HealthResult result = verdict(check, member.endpoint());

        assertThat(result).isEqualTo(HealthResult.healthy("GET /health answered 200: {\"health\":\"true\"}"));
    }

    @Test
    void asksGetHealthWithHostAndConnectionClose() throws Exception {
        HealthStub member = stub();

        verdict(check, member.endpoint());

        Endpoint endpoint = member.endpoint();
        assertThat(member.requests()).containsExactly(new HealthStub.Request("GET", "/health", endpoint.authority(), "close"));
    }

    @Test
    void takesABooleanTrueToo() throws Exception {
        HealthStub member = stub().answer(200, "{ \"health\" : true }");

        assertThat(verdict(check, member.endpoint()).healthy()).isTrue();
    }

    @Test
    void unhealthyWithEtcdsReasonWhenTheMemberHasNoLeader() throws Exception {
        HealthStub member = stub().answer(503, "{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}");

        HealthResult result = verdict(check, member.endpoint());

        assertThat(result).isEqualTo(HealthResult.unhealthy("GET /health answered 503: {\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}"));
    }

    @Test
    void unhealthyWhenA200SaysHealthFalse() throws Exception {
        HealthStub member = stub().answer(200, "{\"health\":\"false\"}");

        assertThat(verdict(check, member.endpoint())).isEqualTo(HealthResult.unhealthy("GET /health answered 200: {\"health\":\"false\"}"));
    }

    @Test
    void unhealthyWhenHealthTrueComesWithAnotherStatus() throws Exception {
        HealthStub member = stub().answer(500, "{\"health\":\"true\"}");

        assertThat(verdict(check, member.endpoint()).healthy()).isFalse();
    }

    @Test
    void unhealthyWhenTheBodyIsNotEtcdsJson() throws Exception {
        List<String> notHealthy = List.of("ok", "<html>fine</html>", "", "true", "[\"health\",\"true\"]", "{\"healthy\":\"true\"}",
                "{\"health\":\"TRUE\"}", "{\"health\":1}", "{\"health\":\"true\"} trailing",
                "{\"health\":\"false\",\"health\":\"true\"}", "{\"health\":\"true\"");
        HealthStub member = stub();
        for (String body : notHealthy) {
            member.answer(200, body);

            HealthResult result = verdict(check, member.endpoint());

            assertThat(result.healthy()).as(body).isFalse();
            assertThat(result.reason()).as(body).startsWith("GET /health answered 200");
        }
    }

    @Test
    void showsTheBodyOnOneLineAndShortened() throws Exception {
        HealthStub member = stub().answer(503, "line one\r\nline two\n" + "x".repeat(1000));

        String reason = verdict(check, member.endpoint()).reason();

        assertThat(reason).startsWith("GET /health answered 503: line one line two xxx").endsWith("...").doesNotContain("\n");
        assertThat(reason.length()).isLessThan(300);
    }

    @Test
    void unhealthyWhenTheBodyIsLargerThan64KiB() throws Exception {
        byte[] body = new byte[OneShotGet.MAX_BODY_BYTES + 1];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        System.arraycopy("\"health\":\"true\"}".getBytes(StandardCharsets.US_ASCII), 0, body, body.length - 16, 16);
        HealthStub member = stub().answer(200, body);

        HealthResult result = verdict(check, member.endpoint());

        assertThat(result).isEqualTo(HealthResult.unhealthy("GET /health answered a body of more than 65536 bytes"));
    }

    @Test
    void timesOutOnAMemberThatAcceptsButNeverAnswersAndClosesTheConnection() throws Exception {
        RawServer hung = raw(RawServer.SILENT);

        long started = System.nanoTime();
        HealthResult result = verdict(check, hung.endpoint(false));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result).isEqualTo(HealthResult.unhealthy("timed out after 500ms waiting for the answer to GET /health"));
        assertThat(took).isBetween(TIMEOUT.minusMillis(50), TIMEOUT.plusSeconds(1));
        assertThat(hung.clientsClosedAll(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void timesOutInTheHandshakeOnASecureMemberThatNeverAnswers() throws Exception {
        RawServer hung = raw(RawServer.SILENT);

        HealthResult result = verdict(check, hung.endpoint(true));

        assertThat(result).isEqualTo(HealthResult.unhealthy("timed out after 500ms in the TLS handshake"));
        assertThat(hung.clientsClosedAll(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void unhealthyWhenNothingListens() throws Exception {
        RawServer closed = raw(RawServer.SILENT);
        Endpoint endpoint = closed.endpoint(false);
        closed.close();

        assertThat(verdict(check, endpoint)).isEqualTo(HealthResult.unhealthy("connection refused"));
    }

    @Test
    void unhealthyWhenTheMemberHangsUpWithoutAnAnswer() throws Exception {
        RawServer rude = raw(RawServer.HANG_UP);

        HealthResult result = verdict(check, rude.endpoint(false));

        assertThat(result.healthy()).isFalse();
        // The hang-up may come as a FIN or, when our request arrived first, as a reset.
        assertThat(result.reason()).containsAnyOf("connection closed before the answer to GET /health", "reset");
    }

    @Test
    void unhealthyWhenTheAnswerIsNotHttp() throws Exception {
        RawServer garbage = raw(RawServer.answering("SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

        HealthResult result = verdict(check, garbage.endpoint(false));

        assertThat(result.healthy()).isFalse();
        assertThat(result.reason()).startsWith("GET /health answered something other than HTTP: ");
    }

    @Test
    void healthyOverHttpsWithASelfSignedCertificateForAnotherName(@TempDir Path directory) throws Exception {
        SSLContext tls = SelfSignedCertificates.serverContext(directory);
        HealthStub member = stub(HealthStub.https(tls));

        HealthResult result = verdict(check, member.endpoint());

        assertThat(result).isEqualTo(HealthResult.healthy("GET /health answered 200: {\"health\":\"true\"}"));
        assertThat(member.requests()).hasSize(1);
    }

    @Test
    void readsEtcdsAnswerOverHttpsToo(@TempDir Path directory) throws Exception {
        HealthStub member = stub(HealthStub.https(SelfSignedCertificates.serverContext(directory)))
                .answer(503, "{\"health\":\"false\",\"reason\":\"ALARM NOSPACE\"}");

        HealthResult result = verdict(check, member.endpoint());

        assertThat(result).isEqualTo(HealthResult.unhealthy("GET /health answered 503: {\"health\":\"false\",\"reason\":\"ALARM NOSPACE\"}"));
    }

    @Test
    void unhealthyWhenASecureEndpointSpeaksPlainHttp() throws Exception {
        RawServer plain = raw(RawServer.answering("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)));

        HealthResult result = verdict(check, plain.endpoint(true));

        assertThat(result).isEqualTo(HealthResult.unhealthy("TLS handshake failed: the endpoint does not speak TLS"));
    }

    @Test
    void unhealthyWhenASecureMemberHangsUpInTheHandshake() throws Exception {
        RawServer rude = raw(RawServer.HANG_UP);

        HealthResult result = verdict(check, rude.endpoint(true));

        assertThat(result.healthy()).isFalse();
        assertThat(result.reason()).containsAnyOf("connection closed in the TLS handshake", "reset");
    }

    @Test
    void resolvesHostNames() throws Exception {
        HealthStub member = stub();

        HealthResult result = verdict(check, member.endpoint("localhost"));

        assertThat(result.healthy()).as(result.reason()).isTrue();
        assertThat(member.requests()).extracting(HealthStub.Request::host).containsExactly(member.endpoint("localhost").authority());
    }

    @Test
    void unhealthyWhenTheHostNameDoesNotResolve() throws Exception {
        HealthResult result = verdict(check, Endpoint.of("no-such-member.invalid", 2379, "test"));

        assertThat(result.healthy()).isFalse();
        assertThat(result.reason()).startsWith("cannot resolve the host name: ");
    }

    @Test
    void unhealthyWithoutAnEventLoopToRunOn() throws Exception {
        TestLoops stopped = new TestLoops();
        HttpHealthCheck orphan = stopped.http(TIMEOUT);
        stopped.close();

        assertThat(verdict(orphan, Endpoint.of("127.0.0.1", 2379, "test")))
                .isEqualTo(HealthResult.unhealthy("not checked: the gateway is stopping"));
    }

    private HealthStub stub() throws Exception {
        return stub(HealthStub.http());
    }

    private HealthStub stub(HealthStub stub) {
        closeAfter.add(stub);
        return stub;
    }

    private RawServer raw(RawServer.Behaviour behaviour) throws Exception {
        RawServer server = new RawServer(behaviour);
        closeAfter.add(server);
        return server;
    }
}
