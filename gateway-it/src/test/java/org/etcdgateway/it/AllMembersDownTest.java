package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With no member left, a client is told at once (its connection closes) and the gateway waits for members to return. */
@Timeout(120)
class AllMembersDownTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    /** The most a client may wait to learn that nothing is there: one dial timeout and some slack. */
    private static final Duration CLOSE_TIMEOUT = GatewayFlags.DIAL_TIMEOUT.plusSeconds(2);
    /**
     * After a quorum is healthy again, the gateway needs at most one retry delay to dial a member;
     * the slack covers etcdctl's own reconnect backoff.
     */
    private static final Duration SERVING_AGAIN_TIMEOUT = GatewayFlags.RETRY_DELAY.plusSeconds(8);

    @Test
    void newConnectionIsClosedAtOnceAndTheGatewayStaysUp() throws IOException {
        try (GatewayProcess gateway = startGateway()) {
            Etcdctl.at(gateway.listenAddress()).requireServingMember();
            killEveryMember();

            // The first connection finds every member dead; the next ones find them all out of rotation.
            for (int connection = 1; connection <= 3; connection++) {
                Duration closedAfter = timeUntilClosed(gateway);
                assertThat(closedAfter).as("time until connection %d was closed", connection).isLessThan(CLOSE_TIMEOUT);
            }
            assertThat(gateway.isAlive()).as("the gateway runs on with no member left").isTrue();
        }
    }

    @Test
    void servesAgainOnceMembersReturn() throws IOException {
        try (GatewayProcess gateway = startGateway()) {
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            etcdctl.requireServingMember();
            killEveryMember();
            timeUntilClosed(gateway);

            // Two of three: a write needs a quorum, so one member alone could not serve it.
            CLUSTER.cluster().restart(0);
            CLUSTER.cluster().restart(2);
            CLUSTER.cluster().awaitHealthy();

            String value = Poll.until("a write and a read through the gateway to succeed again", SERVING_AGAIN_TIMEOUT, () -> {
                if (!etcdctl.run("put", "it/all-down/back", "again").succeeded()) {
                    return Optional.empty();
                }
                CommandResult get = etcdctl.run("get", "it/all-down/back", "--print-value-only");
                return get.succeeded() ? Optional.of(get.stdout()) : Optional.empty();
            });
            assertThat(value).isEqualTo("again\n");
        }
    }

    private static void killEveryMember() {
        for (int index = 0; index < CLUSTER.cluster().size(); index++) {
            CLUSTER.cluster().kill(index);
        }
    }

    /**
     * Opens a raw connection to the gateway and reads: an end of stream or a reset is the answer,
     * a read still blocked after {@link #CLOSE_TIMEOUT} is a hang.
     */
    private static Duration timeUntilClosed(GatewayProcess gateway) throws IOException {
        try (Socket socket = new Socket()) {
            long start = System.nanoTime();
            socket.connect(new InetSocketAddress(gateway.host(), gateway.port()), (int) CLOSE_TIMEOUT.toMillis());
            socket.setSoTimeout((int) CLOSE_TIMEOUT.toMillis());
            InputStream input = socket.getInputStream();
            try {
                int read = input.read();
                assertThat(read).as("what the gateway sent on a connection it cannot forward").isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the gateway kept the connection open for " + CLOSE_TIMEOUT.toMillis()
                        + " ms with every member down", e);
            } catch (SocketException e) {
                // A reset is as good as a close: the client knows at once.
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    private static GatewayProcess startGateway() {
        GatewayProcess gateway = GatewayProcess.start(List.of(), GatewayFlags.forCluster(CLUSTER.cluster(), "--policy", "round-robin"));
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }
}
