package org.etcdgateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 request over a plain socket, for what {@code java.net.http} hides: when each part
 * of a response arrives, and a client that hangs up in the middle of one. Every read is bounded.
 */
final class RawHttpConnection implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final String END_OF_HEAD = "\r\n\r\n";

    private final Socket socket;
    private final InputStream input;
    private final String authority;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private RawHttpConnection(Socket socket, String authority) throws IOException {
        this.socket = socket;
        this.input = socket.getInputStream();
        this.authority = authority;
    }

    /** Connects to {@code baseUrl}, {@code http://host:port}. */
    static RawHttpConnection open(String baseUrl) {
        URI uri = URI.create(baseUrl);
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) CONNECT_TIMEOUT.toMillis());
            return new RawHttpConnection(socket, uri.getHost() + ":" + uri.getPort());
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + baseUrl, e);
        }
    }

    /** Sends {@code GET pathAndQuery} with no body. */
    void sendGet(String pathAndQuery) {
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + authority + "\r\nAccept: */*\r\n\r\n";
        try {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send GET " + pathAndQuery + " to " + authority, e);
        }
    }

    /** The status line, read as soon as it is complete. */
    String readStatusLine(Duration timeout) {
        readUntil("\r\n", timeout);
        String text = text();
        return text.substring(0, text.indexOf("\r\n"));
    }

    /** The status line and the headers, read as soon as the empty line after them came. */
    String readHead(Duration timeout) {
        readUntil(END_OF_HEAD, timeout);
        String text = text();
        return text.substring(0, text.indexOf(END_OF_HEAD));
    }

    /**
     * Reads until what arrived contains {@code marker}; returns {@link System#nanoTime()} at the
     * moment it did.
     *
     * @throws AssertionError when {@code timeout} passes first, or the connection ends, with what came
     */
    long readUntil(String marker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[8192];
        while (!text().contains(marker)) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("no " + printable(marker) + " from " + authority + " within " + timeout.toMillis()
                        + " ms; received: " + printable(text()));
            }
            try {
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(remaining).toMillis()));
                int read = input.read(chunk);
                if (read < 0) {
                    throw new AssertionError("the connection to " + authority + " ended before " + printable(marker)
                            + "; received: " + printable(text()));
                }
                received.write(chunk, 0, read);
            } catch (SocketTimeoutException e) {
                // Checked against the deadline at the top of the loop.
            } catch (IOException e) {
                throw new AssertionError("reading from " + authority + " failed before " + printable(marker)
                        + "; received: " + printable(text()), e);
            }
        }
        return System.nanoTime();
    }

    /**
     * Waits {@code duration} for bytes that must not come (a watch's event before anything
     * happened), so that it is also the delay before the test makes something happen.
     *
     * @throws AssertionError when any byte arrives, or the connection ends
     */
    void assertNothingArrivesFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        int before = received.size();
        byte[] chunk = new byte[8192];
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            try {
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(remaining).toMillis()));
                int read = input.read(chunk);
                if (read < 0) {
                    throw new AssertionError("the connection to " + authority + " ended; received: " + printable(text()));
                }
                received.write(chunk, 0, read);
                throw new AssertionError("unexpected bytes from " + authority + ": "
                        + printable(text().substring(before)));
            } catch (SocketTimeoutException e) {
                // Nothing came: as it should be.
            } catch (IOException e) {
                throw new AssertionError("reading from " + authority + " failed", e);
            }
        }
    }

    private String text() {
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    private static String printable(String text) {
        return "\"" + text.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    /** Hangs up, whatever is still unread: the kernel answers unread data with a reset. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted; there is nothing to tell.
        }
    }
}
