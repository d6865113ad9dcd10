package org.etcdgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One etcd process of a test cluster. Its name, ports and data directory are fixed for its life,
 * so a restart brings back the same member with the same ID.
 */
final class EtcdMember {

    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration EXIT_AFTER_KILL = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HEALTH_TIMEOUT)
            .build();

    private final String executable;
    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDirectory;
    private final Path logFile;
    private final String initialCluster;
    private final String initialClusterState;
    private final String clusterToken;
    private final List<String> extraFlags;
    private volatile Process process;
    private volatile boolean killedOnPurpose;
    private volatile boolean removed;
    private volatile boolean paused;

    /**
     * @param initialClusterState {@code new} for a member of a new cluster, {@code existing} for
     *                            one added with {@code etcdctl member add}
     * @param extraFlags          more etcd flags, such as {@code --enable-v2}
     */
    EtcdMember(String executable, String name, int clientPort, int peerPort, Path directory,
            String initialCluster, String initialClusterState, String clusterToken, List<String> extraFlags) {
        this.executable = executable;
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dataDirectory = directory.resolve(name + ".etcd");
        this.logFile = directory.resolve(name + ".log");
        this.initialCluster = initialCluster;
        this.initialClusterState = initialClusterState;
        this.clusterToken = clusterToken;
        this.extraFlags = List.copyOf(extraFlags);
    }

    /** {@code name=http://127.0.0.1:<peer port>}, this member's entry in {@code --initial-cluster}. */
    static String initialClusterEntry(String name, int peerPort) {
        return name + "=http://127.0.0.1:" + peerPort;
    }

    /**
     * Starts the process. The same flags serve a first start and a restart: once the data
     * directory holds a WAL, etcd ignores the {@code --initial-*} flags and rejoins as itself.
     */
    void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        if (removed) {
            throw new IllegalStateException(name + " was removed from the cluster; etcd would refuse to start it again");
        }
        killedOnPurpose = false;
        List<String> command = new ArrayList<>(List.of(executable,
                "--name", name,
                "--data-dir", dataDirectory.toString(),
                // Also on IPv6 loopback, for the tests of the gateway's IPv6 endpoints.
                "--listen-client-urls", clientUrl() + ",http://" + ipv6ClientEndpoint(),
                "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", initialClusterState,
                "--initial-cluster-token", clusterToken,
                // Loopback round trips are microseconds: short timers make elections after a kill take
                // a fraction of a second instead of several.
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--logger", "zap",
                "--log-outputs", "stderr"));
        command.addAll(extraFlags);
        try {
            process = ProcessReaper.register(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + executable + " for member " + name + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILL, as a crash: no chance to say goodbye to the peers. Waits until the process is gone. */
    void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        paused = false;
        killedOnPurpose = true;
        running.destroyForcibly();
        try {
            if (!running.waitFor(EXIT_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + running.pid() + ") survived SIGKILL for " + EXIT_AFTER_KILL);
            }
            ProcessReaper.forget(running);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + name, e);
        }
    }

    /**
     * SIGSTOP: the process hangs as a member out of CPU or stuck on a disk would. Its sockets stay
     * open and accept connections (the kernel completes the handshakes), but nothing answers.
     */
    void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT: the member runs again after {@link #pause()}. */
    void resume() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    private void signal(String name) {
        Process running = process;
        if (running == null || !running.isAlive()) {
            throw new IllegalStateException(this.name + " is not running; cannot send SIG" + name);
        }
        CommandResult result = Commands.run(List.of("kill", "-" + name, Long.toString(running.pid())), environment -> {
        }, null, Duration.ofSeconds(5));
        if (!result.succeeded()) {
            throw new IllegalStateException("cannot send SIG" + name + " to " + this.name + ": " + result.describe());
        }
    }

    boolean isRunning() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /** True when the member is meant to run: started, and not killed or removed by the test since. */
    boolean shouldRun() {
        return process != null && !killedOnPurpose && !removed;
    }

    /**
     * Marks the member as removed from the cluster ({@code etcdctl member remove}) and kills what
     * is left of it: a removed member stops serving and is never to be started again.
     */
    void markRemoved() {
        removed = true;
        kill();
    }

    /** True once {@link #markRemoved()} was called. */
    boolean isRemoved() {
        return removed;
    }

    /** True when the process exited without the test killing it: a bad flag, a port taken, a crash. */
    boolean hasCrashed() {
        Process running = process;
        return running != null && !running.isAlive() && !killedOnPurpose;
    }

    /**
     * etcd's own {@code /health}: true only when this member is up, sees a leader and can serve.
     * False on any error, so that it can be polled.
     */
    boolean isHealthy() {
        if (!isRunning()) {
            return false;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(clientUrl() + "/health"))
                .timeout(HEALTH_TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String name() {
        return name;
    }

    int clientPort() {
        return clientPort;
    }

    /** {@code http://127.0.0.1:<peer port>}, where the other members, and etcd's {@code /members}, reach it. */
    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    /** {@code 127.0.0.1:<client port>}, as the gateway's {@code --endpoints} and etcdctl take it. */
    String clientEndpoint() {
        return "127.0.0.1:" + clientPort;
    }

    /** {@code [::1]:<client port>}: the same member over IPv6 loopback. */
    String ipv6ClientEndpoint() {
        return "[::1]:" + clientPort;
    }

    String clientUrl() {
        return "http://" + clientEndpoint();
    }

    Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines this member logged, across restarts. */
    String logTail(int lines) {
        if (!Files.exists(logFile)) {
            return "(no log at " + logFile + ")";
        }
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + clientEndpoint() + ")";
    }
}
