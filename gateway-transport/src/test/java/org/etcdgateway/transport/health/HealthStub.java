package org.etcdgateway.transport.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.etcdgateway.api.Endpoint;

/**
 * An etcd member's {@code /health} stand-in on loopback: the JDK's HTTP (or HTTPS) server,
 * answering what the test sets and recording each request it gets.
 */
final class HealthStub implements AutoCloseable {

    /**
     * One request as it arrived.
     *
     * @param host       its Host header
     * @param connection its Connection header
     */
    record Request(String method, String path, String host, String connection) {
    }

    private final HttpServer server;
    private final boolean secure;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile byte[] body = "{\"health\":\"true\"}".getBytes(StandardCharsets.UTF_8);

    private HealthStub(HttpServer server, boolean secure) {
        this.server = server;
        this.secure = secure;
        server.createContext("/", this::answer);
        server.start();
    }

    /** Plain HTTP, answering {@code 200 {"health":"true"}} until told otherwise. */
    static HealthStub http() throws IOException {
        return new HealthStub(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), false);
    }

    /** HTTPS with {@code tls}'s certificate, answering {@code 200 {"health":"true"}} until told otherwise. */
    static HealthStub https(SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new HealthStub(server, true);
    }

    /** From now on, answers every request with {@code status} and {@code body}. */
    HealthStub answer(int status, String body) {
        return answer(status, body.getBytes(StandardCharsets.UTF_8));
    }

    HealthStub answer(int status, byte[] body) {
        this.status = status;
        this.body = body;
        return this;
    }

    /** This server as an endpoint at 127.0.0.1, secure when it is HTTPS. */
    Endpoint endpoint() {
        return endpoint("127.0.0.1");
    }

    /** This server as an endpoint at {@code host}, which must lead to loopback. */
    Endpoint endpoint(String host) {
        return new Endpoint(host, server.getAddress().getPort(), secure, 0, Endpoint.DEFAULT_WEIGHT, "test");
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("Host"), exchange.getRequestHeaders().getFirst("Connection")));
        byte[] answer = body;
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
