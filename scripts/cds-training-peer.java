import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in etcd member for scripts/cds-archive's training starts, run as a source file
 * (java cds-training-peer.java PORT_FILE): answers a peer's GET /members with itself as the one
 * member, GET /health as healthy, and anything else with an empty v2 answer, so that a training
 * gateway goes through discovery, health checks and a forwarded request. Writes its port to
 * PORT_FILE once it listens; runs until killed.
 */
public final class CdsTrainingPeer {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        int port = server.getAddress().getPort();
        String self = "http://127.0.0.1:" + port;
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body;
            if (path.equals("/members")) {
                exchange.getResponseHeaders().set("X-Etcd-Cluster-ID", "cdc0ffee");
                body = "[{\"id\":1,\"name\":\"training\",\"peerURLs\":[\"" + self + "\"],\"clientURLs\":[\"" + self + "\"]}]";
            } else if (path.equals("/health")) {
                body = "{\"health\":\"true\"}";
            } else {
                body = "{\"action\":\"get\",\"node\":{\"key\":\"/training\",\"value\":\"x\"}}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        Files.writeString(Path.of(args[0]), Integer.toString(port));
    }
}
