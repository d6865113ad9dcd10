package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM: the gateway stops accepting at once, lets open connections run up to the drain
 * timeout, then exits 0.
 */
@Timeout(120)
class GracefulShutdownTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /** "At once" on a busy 2-core machine: the JVM has to run its signal handler first. */
    private static final Duration REFUSED_TIMEOUT = Duration.ofSeconds(1);
    /** The slack over the drain timeout for the JVM to close and exit. */
    private static final Duration EXIT_TIMEOUT = DRAIN_TIMEOUT.plusSeconds(5);
    private static final long FUTURE_TIMEOUT_SECONDS = 15;

    @Test
    void sigtermRefusesNewConnectionsDrainsAnOpenWatchAndExitsZero() throws Exception {
        try (GatewayProcess gateway = startGateway();
                Client client = Client.builder().endpoints("http://" + gateway.listenAddress()).build()) {
            String key = "it/shutdown/watched";
            ByteSequence watchedKey = ByteSequence.from(key, StandardCharsets.UTF_8);
            BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
            WatchOption option = WatchOption.builder().withCreateNotify(true).build();
            Watch.Watcher watcher = client.getWatchClient().watch(watchedKey, option, Watch.listener(responses::add));
            try {
                WatchResponse created = responses.poll(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(created).as("the watch through the gateway is open").isNotNull();
                Etcdctl member = Etcdctl.at(CLUSTER.cluster().clientEndpoint(0));
                assertThat(member.run("put", key, "before").succeeded()).isTrue();
                assertThat(nextEventValue(responses)).isEqualTo("before");

                long sigterm = System.nanoTime();
                gateway.sendSigterm();

                Poll.untilTrue("new connections to the gateway to be refused", REFUSED_TIMEOUT,
                        () -> isRefused(gateway));
                assertThat(gateway.isAlive()).as("the gateway drains its open watch instead of exiting at once").isTrue();

                assertThat(member.run("put", key, "during the drain").succeeded()).isTrue();
                assertThat(nextEventValue(responses)).as("an event on the open watch while the gateway drains")
                        .isEqualTo("during the drain");
                assertThat(Duration.ofNanos(System.nanoTime() - sigterm))
                        .as("the event came before the drain timeout").isLessThan(DRAIN_TIMEOUT);

                assertThat(gateway.waitForExit(EXIT_TIMEOUT)).as("exit code after SIGTERM").isZero();
            } finally {
                watcher.close();
            }
        }
    }

    @Test
    void sigtermWithNothingOpenExitsZero() {
        try (GatewayProcess gateway = startGateway()) {
            Etcdctl.at(gateway.listenAddress()).requireServingMember();

            gateway.sendSigterm();

            assertThat(gateway.waitForExit(EXIT_TIMEOUT)).as("exit code after SIGTERM").isZero();
        }
    }

    private static boolean isRefused(GatewayProcess gateway) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(gateway.host(), gateway.port()), 500);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    private static String nextEventValue(BlockingQueue<WatchResponse> responses) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            WatchResponse response = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (response != null && !response.getEvents().isEmpty()) {
                WatchEvent event = response.getEvents().get(0);
                return event.getKeyValue().getValue().toString(StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no event on the watch within 5 s");
    }

    private static GatewayProcess startGateway() {
        GatewayProcess gateway = GatewayProcess.start(List.of(),
                GatewayFlags.forCluster(CLUSTER.cluster(), "--drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s"));
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }
}
