package org.etcdgateway.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's own v2 proxy, {@code etcd --proxy on|readonly}, the behaviour the gateway's proxy is
 * measured against. It needs no {@code --enable-v2}: it only ever speaks v2.
 */
final class EtcdV2Proxy implements V2Proxy {

    /** etcd logs this once its listener is open. */
    private static final String READY_LINE = "v2 proxy started listening on client requests";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** etcd cannot bind port 0 and say which port it got: a free port is picked first, and may be taken meanwhile. */
    private static final int START_ATTEMPTS = 3;

    private final ChildProcess process;
    private final int port;

    private EtcdV2Proxy(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it with {@code --data-dir dataDirectory} (without one etcd writes into the working
     * directory) and {@code flags}, and waits until it accepts connections.
     *
     * @throws IllegalStateException naming the Debian package when there is no {@code etcd}
     * @throws AssertionError        with its log when it exits or is not ready in time
     */
    static EtcdV2Proxy start(Path dataDirectory, List<String> flags) {
        String executable = Executables.require("etcd", "etcd-server");
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.one();
            List<String> command = new ArrayList<>(List.of(executable,
                    "--listen-client-urls", "http://127.0.0.1:" + port,
                    "--data-dir", dataDirectory.toString()));
            command.addAll(flags);
            ChildProcess process = ChildProcess.start(command, environment -> { });
            process.closeInput();
            EtcdV2Proxy proxy = new EtcdV2Proxy(process, port);
            try {
                Poll.untilTrue("etcd's v2 proxy to listen on port " + port, READY_TIMEOUT, proxy::isReady);
                return proxy;
            } catch (AssertionError e) {
                String output = proxy.output();
                proxy.close();
                if (attempt < START_ATTEMPTS && output.contains("address already in use")) {
                    continue;
                }
                throw new AssertionError(e.getMessage() + "\n" + output, e);
            }
        }
    }

    private boolean isReady() {
        if (!process.isAlive()) {
            throw new AssertionError("etcd's v2 proxy exited with code " + process.result(false).exitCode());
        }
        if (!output().contains(READY_LINE)) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String output() {
        return "etcd --proxy (pid " + process.pid() + ", " + (process.isAlive() ? "running" : "exited") + ")"
                + "\n-- stderr --\n" + process.stderr() + "\n-- stdout --\n" + process.stdout();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "etcd --proxy at " + url();
    }
}
