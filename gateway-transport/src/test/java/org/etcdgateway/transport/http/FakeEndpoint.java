package org.etcdgateway.transport.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.etcdgateway.api.Endpoint;

/**
 * An etcd member stand-in on loopback that speaks HTTP/1.1 by hand, so that tests see exactly
 * what the proxy sent (every header, each connection) and control exactly what comes back.
 * Connections are kept alive: requests are read one after another until the proxy closes.
 */
final class FakeEndpoint implements AutoCloseable {

    /** Writes the response to one request. */
    interface Responder {
        void respond(ReceivedRequest request, Socket socket, OutputStream out) throws Exception;
    }

    /**
     * One request as it arrived.
     *
     * @param headers    lower-case names, values in order
     * @param connection which connection (1, 2, ...) carried it
     */
    record ReceivedRequest(String method, String target, Map<String, List<String>> headers, byte[] body, int connection) {

        /** Every value of {@code name}, joined by ", "; null when absent. */
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final Responder responder;
    private final List<ReceivedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByProxy = new AtomicInteger();

    FakeEndpoint(Responder responder) throws IOException {
        this(responder, 0);
    }

    FakeEndpoint(Responder responder, int port) throws IOException {
        this.responder = responder;
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Thread acceptor = new Thread(this::accept, "fake-endpoint-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers {@code status} with {@code body} and a Content-Length, keeping the connection. */
    static Responder answering(int status, String body, String... extraHeaderLines) {
        return (request, socket, out) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Whatever\r\n");
            for (String line : extraHeaderLines) {
                head.append(line).append("\r\n");
            }
            head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
        };
    }

    Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", server.getLocalPort(), "test");
    }

    List<ReceivedRequest> requests() {
        return requests;
    }

    /** Connections the proxy opened. */
    int connections() {
        return connections.get();
    }

    /** Connections on which a read met the end of the stream: the proxy closed them. */
    int closedByProxy() {
        return closedByProxy.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(socket);
            int connection = connections.incrementAndGet();
            Thread worker = new Thread(() -> serve(socket, connection), "fake-endpoint-connection-" + connection);
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                ReceivedRequest request = read(in, connection);
                if (request == null) {
                    closedByProxy.incrementAndGet();
                    return;
                }
                requests.add(request);
                responder.respond(request, socket, out);
                if (socket.isClosed() || socket.isOutputShutdown()) {
                    return;
                }
            }
        } catch (Exception ended) {
            // The test closed the endpoint, or the proxy went away mid-response.
        }
    }

    private static ReceivedRequest read(InputStream in, int connection) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        List<String> length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.get(0)));
        return new ReceivedRequest(parts[0], parts[1], headers, body, connection);
    }

    /** A CRLF-terminated line without its terminator; null at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
