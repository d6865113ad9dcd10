package org.etcdgateway.discovery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JsonHttpClientTest {

    private final JsonHttpClient http = new JsonHttpClient(Duration.ofMillis(300));

    @Test
    void postsJsonAndReadsTheAnswer() throws Exception {
        try (FakeHttpServer server = FakeHttpServer.start()) {
            server.route("/v3/cluster/member/list", FakeHttpServer.Answer.json("{\"members\":[]}"));

            HttpAnswer answer = http.post(server.uri("/v3/cluster/member/list"), "{}");

            assertThat(answer.okJson().path("members").isArray()).isTrue();
            assertThat(server.requests()).containsExactly(new FakeHttpServer.Request("POST", "/v3/cluster/member/list", "{}"));
        }
    }

    @Test
    void anErrorStatusIsABadAnswerWithEtcdsOwnMessage() throws Exception {
        try (FakeHttpServer server = FakeHttpServer.start()) {
            server.route("/v2/keys/x", FakeHttpServer.Answer.status(404,
                    "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/x\",\"index\":4}"));

            HttpAnswer answer = http.get(server.uri("/v2/keys/x"));

            assertThatThrownBy(answer::okJson).isInstanceOf(BadAnswerException.class)
                    .hasMessage("GET " + server.uri("/v2/keys/x") + " answered status 404 (Key not found: /x)");
        }
    }

    @Test
    void aBodyThatIsNotJsonIsABadAnswerQuotingItsStart() throws Exception {
        try (FakeHttpServer server = FakeHttpServer.start()) {
            server.route("/members", FakeHttpServer.Answer.json("<html>" + "x".repeat(500) + "</html>"));

            HttpAnswer answer = http.get(server.uri("/members"));

            assertThatThrownBy(answer::okJson).isInstanceOf(BadAnswerException.class)
                    .hasMessageStartingWith("GET " + server.uri("/members") + " answered with a body that is not JSON (at line 1, column 1): <html>xxx")
                    .hasMessageEndingWith("...");
        }
    }

    @Test
    void aRefusedConnectionIsDescribedInWords() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        IOException failure = catchIo(URI.create("http://127.0.0.1:" + closedPort + "/members"));

        assertThat(http.describe(failure)).isEqualTo("connection refused");
    }

    @Test
    void aServerThatNeverAnswersTimesOutAfterTheRequestTimeout() throws IOException {
        // The kernel accepts the connection into the backlog; nobody ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException failure = catchIo(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/members"));

            assertThat(http.describe(failure)).isEqualTo("no answer within 300ms");
        }
    }

    private IOException catchIo(URI uri) {
        try {
            http.get(uri);
        } catch (IOException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("GET " + uri + " succeeded");
    }
}
