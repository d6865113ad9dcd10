package org.etcdgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etcdgateway.bench.JetcdLoad.Operation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JetcdLoad} against a real single-member etcd: both operations run clean, their figures
 * are consistent, and what they read and write is what they should.
 */
class JetcdLoadTest {

    private static final Duration WARMUP = Duration.ofMillis(500);
    private static final Duration DURATION = Duration.ofSeconds(2);
    private static final int CONCURRENCY = 16;
    private static final Duration ETCD_START_TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path directory;

    private static Process etcd;
    private static String target;

    /** Starts etcd, which must be on the PATH: without it every test here fails, none is skipped. */
    @BeforeAll
    static void startEtcd() throws Exception {
        int[] ports = freePorts(2);
        int clientPort = ports[0];
        int peerPort = ports[1];
        target = "127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        Path log = directory.resolve("etcd.log");
        etcd = new ProcessBuilder(List.of("etcd", "--name", "t",
                "--data-dir", directory.resolve("t.etcd").toString(),
                "--listen-client-urls", "http://" + target,
                "--advertise-client-urls", "http://" + target,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "t=" + peerUrl))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitHealthy(log);
        JetcdLoad.preload(target, JetcdLoad.KEYS);
    }

    @AfterAll
    static void stopEtcd() throws InterruptedException {
        if (etcd != null) {
            etcd.destroyForcibly();
            etcd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void putsRunCleanAndWriteTheirValues() throws Exception {
        LoadFigures figures = JetcdLoad.run(target, Operation.PUT, CONCURRENCY, WARMUP, DURATION);

        assertConsistent(figures);
        try (Client client = Client.builder().endpoints("http://" + target).build()) {
            GetResponse answer = client.getKVClient().get(JetcdLoad.key(123)).get(10, TimeUnit.SECONDS);
            assertThat(answer.getKvs()).hasSize(1);
            assertThat(answer.getKvs().get(0).getValue()).isEqualTo(JetcdLoad.value(123));
            assertThat(answer.getKvs().get(0).getValue().size()).isEqualTo(JetcdLoad.VALUE_BYTES);
            assertThat(answer.getKvs().get(0).getVersion())
                    .as("bench/123 written again by the run, after the preload")
                    .isGreaterThan(1);
        }
    }

    @Test
    void getsRunCleanAndReadThePreloadedValues() throws Exception {
        try (Client client = Client.builder().endpoints("http://" + target).build()) {
            for (int n : new int[] {0, 42, JetcdLoad.KEYS - 1}) {
                GetResponse answer = client.getKVClient().get(JetcdLoad.key(n)).get(10, TimeUnit.SECONDS);
                assertThat(answer.getKvs()).as("bench/%d", n).hasSize(1);
                assertThat(answer.getKvs().get(0).getValue().toString(StandardCharsets.US_ASCII))
                        .startsWith("value of bench/" + n + " ")
                        .hasSize(JetcdLoad.VALUE_BYTES);
            }
        }

        LoadFigures figures = JetcdLoad.run(target, Operation.GET, CONCURRENCY, WARMUP, DURATION);

        assertConsistent(figures);
    }

    @Test
    void failsNamingTheTargetWhenNothingAnswers() {
        String nobody = "127.0.0.1:" + freePorts(1)[0];

        assertThatThrownBy(() -> JetcdLoad.run(nobody, Operation.GET, 2, Duration.ZERO, Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(nobody)
                .hasMessageContaining("no request succeeded");
    }

    private static void assertConsistent(LoadFigures figures) {
        assertThat(figures.requests()).as("requests in %s", figures).isPositive();
        assertThat(figures.errors()).as("errors in %s", figures).isZero();
        assertThat(figures.seconds()).isEqualTo(DURATION.toNanos() / 1e9);
        assertThat(figures.p50Micros()).as("p50 in %s", figures).isPositive();
        assertThat(figures.p50Micros()).as("p50 <= p99 in %s", figures).isLessThanOrEqualTo(figures.p99Micros());
        assertThat(figures.p99Micros()).as("p99 <= p99.9 in %s", figures).isLessThanOrEqualTo(figures.p999Micros());
        assertThat(figures.loadCpuSeconds()).as("load CPU in %s", figures).isPositive().isFinite();
    }

    /** Waits for {@code GET /health} to answer 200 with {@code "health":"true"}. */
    private static void awaitHealthy(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://" + target + "/health"))
                .timeout(Duration.ofSeconds(1))
                .build();
        long deadline = System.nanoTime() + ETCD_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!etcd.isAlive()) {
                throw new IllegalStateException("etcd exited with " + etcd.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("etcd at " + target + " not healthy after " + ETCD_START_TIMEOUT.toSeconds()
                + " s:\n" + Files.readString(log));
    }

    /** {@code count} distinct loopback ports nobody listens on, all held until all are known. */
    private static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // Only borrowed to learn a free port.
                    }
                }
            }
        }
    }
}
