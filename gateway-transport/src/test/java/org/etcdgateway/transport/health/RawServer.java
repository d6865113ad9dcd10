package org.etcdgateway.transport.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.etcdgateway.api.Endpoint;

/**
 * A TCP server on loopback that does to each connection what the test says (answer nothing,
 * answer garbage, hang up) and keeps the connections, to tell whether the client closed them.
 */
final class RawServer implements AutoCloseable {

    /** What the server does with a connection it accepted. */
    interface Behaviour {
        void handle(Socket socket) throws IOException;
    }

    /** Accepts and never sends a byte: a hung process, whose kernel still completes handshakes. */
    static final Behaviour SILENT = socket -> { };
    /** Hangs up at once. */
    static final Behaviour HANG_UP = Socket::close;

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    RawServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "raw-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Writes {@code bytes} and hangs up. */
    static Behaviour answering(byte[] bytes) {
        return socket -> {
            socket.getOutputStream().write(bytes);
            socket.close();
        };
    }

    Endpoint endpoint(boolean secure) {
        return new Endpoint("127.0.0.1", server.getLocalPort(), secure, 0, Endpoint.DEFAULT_WEIGHT, "test");
    }

    /**
     * True when at least one connection came and every one accepted was closed by the client
     * within {@code timeout}: reading it ends, with what the client sent before discarded.
     */
    boolean clientsClosedAll(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // The client may be done before this server's thread has taken the connection.
        while (accepted.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        for (Socket socket : accepted) {
            if (!closedByClient(socket, deadline)) {
                return false;
            }
        }
        return !accepted.isEmpty();
    }

    private static boolean closedByClient(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) left);
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                // A reset is a close too.
                return true;
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                behaviour.handle(socket);
            } catch (IOException e) {
                // Closed, or one connection failed: either way nothing to do.
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
