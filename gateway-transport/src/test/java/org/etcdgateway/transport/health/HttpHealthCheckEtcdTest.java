package org.etcdgateway.transport.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etcdgateway.transport.health.TestLoops.verdict;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.etcdgateway.api.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http check against a real etcd: a 2-member cluster on loopback, where stopping one member
 * (SIGSTOP, as a hung process) leaves the other without a leader. Needs the {@code etcd} binary
 * (Debian's {@code etcd-server}, which scripts/install-deps installs); fails without it.
 */
class HttpHealthCheckEtcdTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** A fresh cluster on 2 busy cores elects a leader in a few seconds; this is the bound. */
    private static final Duration CLUSTER_BOUND = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private TestLoops loops;
    private HttpHealthCheck check;
    private final List<Member> members = new ArrayList<>();

    @BeforeEach
    void startCluster() throws IOException {
        if (!onPath("etcd")) {
            throw new IllegalStateException("this test needs etcd on PATH: install the Debian package etcd-server"
                    + " (scripts/install-deps does)");
        }
        loops = new TestLoops();
        check = loops.http(TIMEOUT);
        List<Integer> ports = freePorts(4);
        String initialCluster = "a=http://127.0.0.1:" + ports.get(1) + ",b=http://127.0.0.1:" + ports.get(3);
        members.add(Member.start("a", ports.get(0), ports.get(1), initialCluster, directory));
        members.add(Member.start("b", ports.get(2), ports.get(3), initialCluster, directory));
    }

    @AfterEach
    void stopCluster() throws Exception {
        for (Member member : members) {
            member.kill();
        }
        if (loops != null) {
            loops.close();
        }
    }

    @Test
    void healthyMembersThenAHungOneTimesOutAndItsPeerHasNoLeaderThenBothRecover() throws Exception {
        Member a = members.get(0);
        Member b = members.get(1);
        String healthy = "GET /health answered 200: {\"health\":\"true\"}";
        awaitVerdict(a, result -> result.reason().equals(healthy));
        awaitVerdict(b, result -> result.reason().equals(healthy));

        b.signal("STOP");

        long started = System.nanoTime();
        HealthResult hung = verdict(check, b.endpoint());
        assertThat(hung).isEqualTo(HealthResult.unhealthy("timed out after 1s waiting for the answer to GET /health"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plusSeconds(1));
        // etcd 3.4 says {"health":"false"}; 3.5 adds "reason":"RAFT NO LEADER".
        HealthResult leaderless = awaitVerdict(a, result -> result.reason().startsWith("GET /health answered 503: {\"health\":\"false\""));
        assertThat(leaderless.healthy()).isFalse();

        b.signal("CONT");

        awaitVerdict(a, result -> result.reason().equals(healthy));
        awaitVerdict(b, result -> result.reason().equals(healthy));
    }

    /** Checks {@code member} until a verdict matches; fails with the last one and the member's log. */
    private HealthResult awaitVerdict(Member member, Predicate<HealthResult> wanted) throws Exception {
        long deadline = System.nanoTime() + CLUSTER_BOUND.toNanos();
        HealthResult last;
        do {
            last = verdict(check, member.endpoint());
            if (wanted.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("member " + member.name + " still says \"" + last.reason() + "\" after "
                + CLUSTER_BOUND.toSeconds() + "s; its log ends:\n" + member.logTail());
    }

    private static boolean onPath(String executable) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, executable))) {
                return true;
            }
        }
        return false;
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** One etcd process with its own data directory and log, stopped and continued by signals. */
    private static final class Member {

        private final String name;
        private final int clientPort;
        private final Path log;
        private final Process process;

        private Member(String name, int clientPort, Path log, Process process) {
            this.name = name;
            this.clientPort = clientPort;
            this.log = log;
            this.process = process;
        }

        static Member start(String name, int clientPort, int peerPort, String initialCluster, Path directory) throws IOException {
            Path log = directory.resolve(name + ".log");
            Process process = new ProcessBuilder(List.of("etcd",
                    "--name", name,
                    "--data-dir", directory.resolve(name + ".etcd").toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + clientPort,
                    "--advertise-client-urls", "http://127.0.0.1:" + clientPort,
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-state", "new",
                    // Short raft timers: the leader is missed, and found again, within a second.
                    "--heartbeat-interval", "50",
                    "--election-timeout", "500"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new Member(name, clientPort, log, process);
        }

        Endpoint endpoint() {
            return Endpoint.of("127.0.0.1", clientPort, "test");
        }

        /** Sends {@code SIG<signal>} with {@code kill}: Java has no way to stop and continue a process. */
        void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor()).as("kill -" + signal + " " + name).isZero();
        }

        String logTail() throws IOException {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }

        /** SIGKILL, which ends a stopped process too; waits until it is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
