package org.etcdgateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.etcdgateway.it.Executables;
import org.etcdgateway.it.FreePorts;
import org.etcdgateway.it.ProcessReaper;

/**
 * One proxy under test, started the way its users start it, listening on a loopback port of its
 * own, with its output in a log file of the run. The time from starting its process to the first
 * HTTP answer through it is its start-up time: a connection alone would only show the listening
 * socket, whose backlog completes handshakes before anything serves them.
 */
final class ProxyProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Candidate candidate;
    private final Process process;
    private final int port;
    private final Path log;
    private final double startupMillis;

    private ProxyProcess(Candidate candidate, Process process, int port, Path log, double startupMillis) {
        this.candidate = candidate;
        this.process = process;
        this.port = port;
        this.log = log;
        this.startupMillis = startupMillis;
    }

    /**
     * This gateway: {@code bin/etcd-gateway <subcommand> <flags> --listen-addr 127.0.0.1:<port>}
     * (the http transport's {@code proxy} takes {@code --listen-client-urls} instead).
     */
    static ProxyProcess ours(Candidate candidate, Path launcher, Path work, String subcommand, List<String> flags) {
        int port = FreePorts.one();
        List<String> command = new ArrayList<>(List.of(launcher.toString(), subcommand));
        command.addAll(flags);
        // Two of ours may run at once (tcp and http): each takes a free port for its admin endpoint.
        command.addAll(List.of("--admin-addr", "127.0.0.1:0"));
        if (subcommand.equals("proxy")) {
            command.addAll(List.of("--listen-client-urls", "http://127.0.0.1:" + port));
        } else {
            command.addAll(List.of("--listen-addr", "127.0.0.1:" + port));
        }
        return start(candidate, command, port, work);
    }

    /** etcd's L4 gateway, {@code etcd gateway start}, in front of {@code endpoints}. */
    static ProxyProcess etcdGateway(Path work, List<String> endpoints) {
        int port = FreePorts.one();
        List<String> command = List.of(Executables.require("etcd", "etcd-server"), "gateway", "start",
                "--endpoints", String.join(",", endpoints), "--listen-addr", "127.0.0.1:" + port);
        return start(Candidate.ETCD_GATEWAY, command, port, work);
    }

    /** etcd's v2 proxy, {@code etcd --proxy on}, for the cluster of {@code initialCluster}. */
    static ProxyProcess etcdV2Proxy(Path work, String initialCluster) {
        int port = FreePorts.one();
        Path dataDirectory = work.resolve("etcd-proxy-" + port);
        List<String> command = List.of(Executables.require("etcd", "etcd-server"), "--proxy", "on",
                "--listen-client-urls", "http://127.0.0.1:" + port, "--initial-cluster", initialCluster,
                "--data-dir", dataDirectory.toString());
        return start(Candidate.ETCD_PROXY, command, port, work);
    }

    /**
     * HAProxy in {@code mode tcp}, round robin over {@code endpoints}, {@code threads} threads,
     * room for {@code maxConnections} client connections. Its timeouts are long: the idle case
     * holds connections that send nothing.
     */
    static ProxyProcess haproxy(Path work, List<String> endpoints, int threads, int maxConnections) {
        int port = FreePorts.one();
        StringBuilder config = new StringBuilder()
                .append("global\n")
                .append("  nbthread ").append(threads).append('\n')
                .append("  maxconn ").append(maxConnections).append('\n')
                .append("defaults\n")
                .append("  mode tcp\n")
                .append("  maxconn ").append(maxConnections).append('\n')
                .append("  timeout connect 5s\n")
                .append("  timeout client 1h\n")
                .append("  timeout server 1h\n")
                .append("frontend gateway\n")
                .append("  bind 127.0.0.1:").append(port).append('\n')
                .append("  default_backend etcd\n")
                .append("backend etcd\n")
                .append("  balance roundrobin\n");
        for (int i = 0; i < endpoints.size(); i++) {
            config.append("  server member").append(i).append(' ').append(endpoints.get(i)).append('\n');
        }
        Path file = work.resolve("haproxy-" + port + ".cfg");
        write(file, config.toString());
        List<String> command = List.of(Executables.require("haproxy", "haproxy"), "-db", "-f", file.toString());
        return start(Candidate.HAPROXY, command, port, work);
    }

    private static ProxyProcess start(Candidate candidate, List<String> command, int port, Path work) {
        Path log = work.resolve(candidate.name().toLowerCase() + "-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        long started = System.nanoTime();
        Process process;
        try {
            process = ProcessReaper.register(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        long deadline = started + READY_TIMEOUT.toNanos();
        while (!answers(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = readLog(log);
                process.destroyForcibly();
                throw new IllegalStateException(candidate.label() + " did not start listening on 127.0.0.1:" + port
                        + (process.isAlive() ? " within " + READY_TIMEOUT : "; it exited") + "\n" + output);
            }
            sleepMillis(2);
        }
        double startupMillis = (System.nanoTime() - started) / 1e6;
        return new ProxyProcess(candidate, process, port, log, startupMillis);
    }

    /**
     * True when a request through 127.0.0.1:{@code port} gets an HTTP answer. Every backend of the
     * benchmark speaks HTTP/1: nginx, and etcd's client port, where {@code /version} exists.
     */
    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write("GET /version HTTP/1.0\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(5);
            return new String(head, StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException e) {
            return false;
        }
    }

    /** True when something accepts connections on 127.0.0.1:{@code port}. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Candidate candidate() {
        return candidate;
    }

    long pid() {
        return process.pid();
    }

    /** {@code 127.0.0.1:<port>}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    double startupMillis() {
        return startupMillis;
    }

    /** Fails, with the proxy's log, when the process has died since it started. */
    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(candidate.label() + " (pid " + pid() + ") exited with code "
                    + process.exitValue() + "\n" + readLog(log));
        }
    }

    /**
     * What {@code read} finds in the /proc entries of the process (given its pid). A process that
     * has exited takes them with it: that is the IllegalStateException of {@link #checkAlive()},
     * saying how it exited, rather than a failed read.
     */
    long fromProc(LongUnaryOperator read) {
        try {
            return read.applyAsLong(pid());
        } catch (UncheckedIOException e) {
            try {
                // The JDK sees the exit a moment after /proc does.
                process.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            checkAlive();
            throw e;
        }
    }

    /** SIGTERM, then SIGKILL if it does not go. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        ProcessReaper.forget(process);
    }

    private static String readLog(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return candidate.label() + " at " + address() + " (pid " + pid() + ")";
    }
}
