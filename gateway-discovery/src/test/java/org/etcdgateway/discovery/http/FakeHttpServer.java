package org.etcdgateway.discovery.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real HTTP server on a free loopback port that answers as a test tells it to: an etcd member's
 * JSON gateway, an etcd peer's {@code /members}, a discovery service. It records every request.
 */
public final class FakeHttpServer implements AutoCloseable {

    /** How a path is answered; called once per request, in order. */
    @FunctionalInterface
    public interface Route {
        Answer answer(Request request);
    }

    /** A request as the server saw it. */
    public record Request(String method, String path, String body) {
    }

    /** An answer: status, headers, body. */
    public record Answer(int status, Map<String, String> headers, String body) {

        /** 200 with a JSON body. */
        public static Answer json(String body) {
            return new Answer(200, Map.of("Content-Type", "application/json"), body);
        }

        /** {@code status} with a body. */
        public static Answer status(int status, String body) {
            return new Answer(status, Map.of(), body);
        }

        /** The same answer with one more header. */
        public Answer withHeader(String name, String value) {
            Map<String, String> more = new HashMap<>(headers);
            more.put(name, value);
            return new Answer(status, Map.copyOf(more), body);
        }
    }

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    private FakeHttpServer(HttpServer server) {
        this.server = server;
    }

    /** A server on a free port of 127.0.0.1 that answers 404 until routes are added. */
    public static FakeHttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeHttpServer fake = new FakeHttpServer(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a fake HTTP server on loopback", e);
        }
    }

    /** Answers requests for {@code path} (any method) with {@code route}, replacing what answered before. */
    public FakeHttpServer route(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    /** Answers requests for {@code path} always the same way. */
    public FakeHttpServer route(String path, Answer answer) {
        return route(path, request -> answer);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    /** {@code 127.0.0.1:<port>}, as endpoints are written. */
    public String authority() {
        return "127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request so far, oldest first. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many requests for {@code path} came so far. */
    public synchronized long requestsFor(String path) {
        return requests.stream().filter(request -> request.path().equals(path)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body);
            synchronized (this) {
                requests.add(request);
            }
            Route route = routes.get(request.path());
            Answer answer = route == null ? Answer.status(404, "no route for " + request.path()) : route.answer(request);
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream output = exchange.getResponseBody()) {
                    output.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
