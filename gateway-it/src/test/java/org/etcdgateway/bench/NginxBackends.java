package org.etcdgateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.etcdgateway.it.Executables;
import org.etcdgateway.it.FreePorts;
import org.etcdgateway.it.ProcessReaper;

/**
 * Three backends for the raw L4 cases: one nginx worker listening on three loopback ports, each
 * answering {@code /} with 6 bytes and {@code /1m} with 1 MiB. Its timeouts are long, so that the
 * idle case's connections, which never send a request, stay open.
 */
final class NginxBackends implements AutoCloseable {

    /** The small answer: {@code hello\n}. */
    static final String SMALL_PATH = "/";
    /** 1 MiB, sent from a file. */
    static final String BULK_PATH = "/1m";
    static final int BULK_BYTES = 1024 * 1024;

    private final Process process;
    private final List<Integer> ports;

    private NginxBackends(Process process, List<Integer> ports) {
        this.process = process;
        this.ports = List.copyOf(ports);
    }

    /**
     * Starts nginx with its configuration, pid file and logs in {@code work}, allowing
     * {@code maxConnections} connections, and waits until every port accepts. Its connection
     * table is twice that: nginx closes idle connections to make room once fewer than an eighth
     * of its table is free.
     */
    static NginxBackends start(Path work, int maxConnections) {
        String nginx = Executables.require("/usr/sbin/nginx", "nginx-light");
        Path root = work.resolve("nginx");
        List<Integer> ports = FreePorts.allocate(3);
        try {
            Files.createDirectories(root.resolve("html"));
            Files.write(root.resolve("html").resolve(BULK_PATH.substring(1)), new byte[BULK_BYTES]);
            String listens = ports.stream().map(port -> "    listen 127.0.0.1:" + port + " backlog=4096;")
                    .collect(Collectors.joining("\n"));
            Files.writeString(root.resolve("nginx.conf"), """
                    worker_processes 1;
                    worker_rlimit_nofile %d;
                    daemon off;
                    pid %s/nginx.pid;
                    error_log %s/error.log;
                    events { worker_connections %d; }
                    http {
                      access_log off;
                      sendfile on;
                      tcp_nopush on;
                      keepalive_requests 100000000;
                      keepalive_timeout 10m;
                      client_header_timeout 10m;
                      server {
                    %s
                        root %s/html;
                        location = / { return 200 "hello\\n"; }
                      }
                    }
                    """.formatted(maxConnections + 64, root, root, 2 * maxConnections + 1024, listens, root));
            Process process = ProcessReaper.register(new ProcessBuilder(nginx, "-c", root.resolve("nginx.conf").toString(),
                    "-p", root.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(root.resolve("nginx.out").toFile())
                    .start());
            NginxBackends backends = new NginxBackends(process, ports);
            backends.awaitListening(root);
            return backends;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx in " + root, e);
        }
    }

    private void awaitListening(Path root) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int port : ports) {
            while (!ProxyProcess.accepts(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not start:\n" + Files.readString(root.resolve("nginx.out"))
                            + Files.readString(root.resolve("error.log")));
                }
                ProxyProcess.sleepMillis(10);
            }
        }
    }

    /** {@code 127.0.0.1:<port>} of each backend. */
    List<String> addresses() {
        return ports.stream().map(port -> "127.0.0.1:" + port).toList();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        ProcessReaper.forget(process);
    }
}
