package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's proxy streams: a watch's headers reach the client at once and each event as soon
 * as it happens (etcd's own proxy holds both until the first event, etcd issue 3894), and a
 * client that hangs up mid-response costs the proxy nothing that lasts (etcd issues 8881, 9009).
 */
class V2ProxyStreamingTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = EtcdClusterExtension.withV2Api(DIAGNOSTICS);

    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration EVENT_DELAY = Duration.ofMillis(500);
    /** From the PUT's response to the event's arrival; a flush per chunk makes it a few ms on loopback. */
    private static final Duration EVENT_LATENCY_BOUND = Duration.ofMillis(100);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(2);

    private static final int HANG_UPS = 2_000;
    private static final int HANG_UP_THREADS = 4;
    private static final Duration HANG_UPS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STATUS_LINE_TIMEOUT = Duration.ofSeconds(5);
    /** A value large enough that the response is still being written when the client hangs up. */
    private static final int LARGE_VALUE_BYTES = 256 * 1024;
    /**
     * Sockets the proxy may hold beyond its start: keep-alive connections to three members, a few
     * per hang-up thread. A leak of one socket per hang-up is 2,000.
     */
    private static final int FILE_TOLERANCE = 3 * HANG_UP_THREADS + 4;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dataDirectory;

    @Test
    @Timeout(30)
    void aWatchGetsItsHeadersAtOnceAndItsEventWithin100Milliseconds() {
        String key = "/v2/keys/it-v2/streaming/watched";
        V2Client member = V2Client.of("http://" + CLUSTER.cluster().clientEndpoint(0));
        try (V2Proxy proxy = start(V2ProxyKind.GATEWAY);
                RawHttpConnection watch = RawHttpConnection.open(proxy.url())) {
            watch.sendGet(key + "?wait=true");
            String head = watch.readHead(HEADERS_TIMEOUT);
            assertThat(head).as("the watch's head, before any event").startsWith("HTTP/1.1 200");
            watch.assertNothingArrivesFor(EVENT_DELAY);

            V2Response put = member.put(key, "event");
            long putCompleted = System.nanoTime();
            assertThat(put.status()).as("%s", put).isEqualTo(201);
            long eventArrived = watch.readUntil("\"event\"", EVENT_TIMEOUT);

            assertThat(Duration.ofNanos(eventArrived - putCompleted)).as("from the PUT's response to the event's arrival")
                    .isLessThan(EVENT_LATENCY_BOUND);
        }
        System.out.println("etcd's own v2 proxy, for comparison: " + etcdsOwnWatchHeaders(key + "-etcd", member));
    }

    /**
     * 2,000 clients that read the status line and hang up, half of them on a watch, half on a
     * large GET still being written: once the proxy has settled, it holds no more files than it
     * did before them.
     */
    @Test
    @Timeout(60)
    void clientsThatHangUpMidResponseLeaveNoSocketBehind() throws Exception {
        String watched = "/v2/keys/it-v2/hang-ups/watched?wait=true";
        String large = "/v2/keys/it-v2/hang-ups/large";
        V2Client member = V2Client.of("http://" + CLUSTER.cluster().clientEndpoint(0));
        assertThat(member.put(large, "x".repeat(LARGE_VALUE_BYTES)).status()).isEqualTo(201);

        try (V2Proxy proxy = start(V2ProxyKind.GATEWAY)) {
            V2Client client = V2Client.of(proxy.url());
            for (int request = 0; request < 3 * HANG_UP_THREADS; request++) {
                assertThat(client.get(large).status()).isEqualTo(200);
            }
            int before = openFiles(proxy);

            ExecutorService threads = Executors.newFixedThreadPool(HANG_UP_THREADS);
            try {
                List<Future<?>> hangUps = new ArrayList<>();
                for (int request = 0; request < HANG_UPS; request++) {
                    String path = request % 2 == 0 ? watched : large;
                    hangUps.add(threads.submit(() -> hangUpAfterStatusLine(proxy, path)));
                }
                long deadline = System.nanoTime() + HANG_UPS_TIMEOUT.toNanos();
                for (Future<?> hangUp : hangUps) {
                    hangUp.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } finally {
                threads.shutdownNow();
            }

            Poll.untilTrue("the proxy's open files to settle back to " + before + " (+" + FILE_TOLERANCE + ")",
                    SETTLE_TIMEOUT, () -> openFiles(proxy) <= before + FILE_TOLERANCE);
            assertThat(client.get(large).status()).as("a GET after the hang-ups").isEqualTo(200);
        }
    }

    private static void hangUpAfterStatusLine(V2Proxy proxy, String path) {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.url())) {
            connection.sendGet(path);
            String statusLine = connection.readStatusLine(STATUS_LINE_TIMEOUT);
            if (!statusLine.startsWith("HTTP/1.1 200")) {
                throw new AssertionError("GET " + path + " through " + proxy + ": " + statusLine);
            }
        }
    }

    /**
     * Informative only: whether etcd's own proxy sends a watch's headers before the first event
     * (3.4 does not: issue 3894). Releases the watch with a PUT either way.
     */
    private String etcdsOwnWatchHeaders(String key, V2Client member) {
        try (V2Proxy proxy = V2ProxyKind.ETCD.start(dataDirectory.resolve("etcd"),
                List.of("--proxy", "on", "--initial-cluster", CLUSTER.cluster().initialCluster()));
                RawHttpConnection watch = RawHttpConnection.open(proxy.url())) {
            watch.sendGet(key + "?wait=true");
            Optional<String> head;
            try {
                head = Optional.of(watch.readHead(HEADERS_TIMEOUT));
            } catch (AssertionError e) {
                head = Optional.empty();
            }
            member.put(key, "event");
            return head.map(received -> "watch headers before any event").orElse("no watch headers within "
                    + HEADERS_TIMEOUT.toMillis() + " ms without an event (etcd issue 3894)");
        }
    }

    private V2Proxy start(V2ProxyKind kind) {
        V2Proxy proxy = kind.start(dataDirectory, List.of("--proxy", "on", "--initial-cluster", CLUSTER.cluster().initialCluster()));
        DIAGNOSTICS.forTest(kind.toString(), proxy::output);
        return proxy;
    }

    /** How many files, sockets included, the proxy's process has open: the entries of {@code /proc/<pid>/fd}. */
    private static int openFiles(V2Proxy proxy) {
        try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(proxy.pid()), "fd"))) {
            return (int) files.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the open files of " + proxy + " (pid " + proxy.pid() + ")", e);
        }
    }
}
