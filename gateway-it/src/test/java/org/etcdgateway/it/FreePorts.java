package org.etcdgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports nobody listens on right now, for the processes that need a port before they start. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * {@code count} distinct free ports. All sockets are held open until every port is known, so
     * the kernel cannot hand the same port out twice.
     */
    public static List<Integer> allocate(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find " + count + " free loopback ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // The port was only borrowed to learn its number.
                }
            }
        }
    }

    /** One free port. */
    public static int one() {
        return allocate(1).get(0);
    }
}
