package org.etcdgateway.transport.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An HTTP/1.1 client written by hand: it sends exactly the bytes a test gives and reads the answer piece by piece. */
final class RawHttpClient implements AutoCloseable {

    /**
     * A response head.
     *
     * @param headers lower-case names, values in order
     */
    record Head(int status, Map<String, List<String>> headers) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }

        boolean chunked() {
            String encoding = header("transfer-encoding");
            return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** A whole response. */
    record Response(Head head, String body) {

        int status() {
            return head.status();
        }

        String header(String name) {
            return head.header(name);
        }
    }

    private final Socket socket;
    private final InputStream in;

    RawHttpClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** Sends a request with the given extra header lines and body (a Content-Length is added for a body). */
    void send(String method, String target, String body, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        boolean hasHost = false;
        for (String line : headerLines) {
            request.append(line).append("\r\n");
            hasHost |= line.toLowerCase(Locale.ROOT).startsWith("host:");
        }
        if (!hasHost) {
            request.append("Host: etcd.test\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    Response exchange(String method, String target, String body, String... headerLines) throws IOException {
        send(method, target, body, headerLines);
        return readResponse(method);
    }

    Response readResponse(String method) throws IOException {
        Head head = readHead();
        return new Response(head, readBody(head, method));
    }

    Head readHead() throws IOException {
        String statusLine = FakeEndpoint.readLine(in);
        if (statusLine == null) {
            throw new IOException("the proxy closed the connection instead of answering");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = FakeEndpoint.readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return new Head(status, headers);
    }

    private String readBody(Head head, String method) throws IOException {
        if (method.equals("HEAD") || head.status() == 204 || head.status() == 304) {
            return "";
        }
        if (head.chunked()) {
            StringBuilder body = new StringBuilder();
            String chunk;
            while (!(chunk = readChunk()).isEmpty()) {
                body.append(chunk);
            }
            return body.toString();
        }
        String length = head.header("content-length");
        if (length != null) {
            return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The next chunk of a chunked body; "" for the last one (whose trailers are skipped). */
    String readChunk() throws IOException {
        String sizeLine = FakeEndpoint.readLine(in);
        if (sizeLine == null) {
            throw new IOException("the body ended without its last chunk");
        }
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
            String trailer;
            while ((trailer = FakeEndpoint.readLine(in)) != null && !trailer.isEmpty()) {
                // Trailers are not looked at.
            }
            return "";
        }
        byte[] data = in.readNBytes(size);
        FakeEndpoint.readLine(in);
        return new String(data, StandardCharsets.UTF_8);
    }

    /** -1 once the proxy has closed the connection (or reset it). */
    int readByte() {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
