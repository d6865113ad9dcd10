package org.etcdgateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.transport.EndpointStatus;
import org.etcdgateway.api.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of a running gateway, over plain HTTP on its own address:
 * <ul>
 *   <li>{@code /metrics}: every metric in Prometheus text format;</li>
 *   <li>{@code /healthz}: 200 while the process serves at all;</li>
 *   <li>{@code /readyz}: 200 when at least one endpoint is usable, else 503;</li>
 *   <li>{@code /endpoints}: JSON, one object per endpoint with its source, state, health, open
 *       connections and last error.</li>
 * </ul>
 *
 * <p>One thread serves it, apart from the data path's event loops: a slow scrape never delays a
 * client's bytes.
 */
final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusRegistry registry;
    private final Transport transport;
    private final PrometheusTextFormatWriter textFormat = PrometheusTextFormatWriter.create();

    private AdminServer(HttpServer server, ExecutorService executor, PrometheusRegistry registry, Transport transport) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.transport = transport;
    }

    /**
     * Binds {@code address} and starts serving.
     *
     * @throws IOException when the address cannot be bound (in use, say)
     */
    static AdminServer start(HostAndPort address, PrometheusRegistry registry, Transport transport) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address.host(), address.port()), 64);
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "gateway-admin");
            thread.setDaemon(true);
            return thread;
        });
        AdminServer admin = new AdminServer(server, executor, registry, transport);
        server.createContext("/", admin::handle);
        server.setExecutor(executor);
        server.start();
        return admin;
    }

    /** The bound address, with the real port where port 0 was asked for. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed: use GET\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> metrics(exchange);
                case "/healthz" -> respond(exchange, 200, "text/plain; charset=utf-8", "ok\n");
                case "/readyz" -> ready(exchange);
                case "/endpoints" -> endpoints(exchange);
                default -> respond(exchange, 404, "text/plain; charset=utf-8",
                        "not found; try /metrics, /healthz, /readyz or /endpoints\n");
            }
        } catch (RuntimeException e) {
            // A bug in a collector must not kill the admin thread; say what happened.
            log.warn("admin request {} failed", exchange.getRequestURI(), e);
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        textFormat.write(body, registry.scrape());
        respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
    }

    private void ready(HttpExchange exchange) throws IOException {
        List<EndpointStatus> endpoints = transport.endpointStatus();
        long usable = endpoints.stream().filter(EndpointStatus::usable).count();
        if (usable > 0) {
            respond(exchange, 200, "text/plain; charset=utf-8",
                    "ready: " + usable + " of " + endpoints.size() + " endpoint(s) usable\n");
        } else {
            respond(exchange, 503, "text/plain; charset=utf-8",
                    "not ready: none of " + endpoints.size() + " endpoint(s) usable\n");
        }
    }

    private void endpoints(HttpExchange exchange) throws IOException {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (EndpointStatus status : transport.endpointStatus()) {
            ObjectNode node = list.addObject();
            node.put("endpoint", status.endpoint().authority());
            node.put("host", status.endpoint().host());
            node.put("port", status.endpoint().port());
            node.put("secure", status.endpoint().secure());
            node.put("source", status.endpoint().source());
            node.put("priority", status.endpoint().priority());
            node.put("weight", status.endpoint().weight());
            node.put("state", status.usable() ? "usable" : "out");
            node.put("health", status.health().name().toLowerCase(java.util.Locale.ROOT));
            node.put("activeConnections", status.activeConnections());
            if (status.lastError() == null) {
                node.putNull("lastError");
            } else {
                node.put("lastError", status.lastError());
            }
        }
        respond(exchange, 200, "application/json", Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(list));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Jackson, set up on the first /endpoints request rather than at start-up, where it costs a tenth of a second. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
