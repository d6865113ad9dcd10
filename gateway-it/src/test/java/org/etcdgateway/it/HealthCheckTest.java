package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member that hangs (SIGSTOP: its sockets still accept, nothing answers) is what etcd's gateway
 * cannot see; the health checks take it out of rotation, close what is held open to it after the
 * grace, and bring it back once it answers again.
 */
@Timeout(180)
class HealthCheckTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final int RISE = 2;
    private static final int FALL = 2;
    private static final Duration GRACE = Duration.ofSeconds(1);
    /** The longest a hung member may take to leave rotation: fall checks, the last one timing out. */
    private static final Duration DETECTION = INTERVAL.multipliedBy(FALL).plus(TIMEOUT);
    /** Scheduling on 2 busy cores: what a timer may run late by, at most, in these tests. */
    private static final Duration SLACK = Duration.ofMillis(700);
    private static final int SESSIONS = 20;

    private static List<String> flags() {
        return GatewayFlags.forCluster(CLUSTER.cluster(),
                "--policy", "round-robin",
                "--health-check", "http",
                "--health-interval", INTERVAL.toMillis() + "ms",
                "--health-timeout", TIMEOUT.toMillis() + "ms",
                "--health-rise", Integer.toString(RISE),
                "--health-fall", Integer.toString(FALL),
                "--health-grace", GRACE.toMillis() + "ms");
    }

    @Test
    void aHungMemberGetsNoNewSessionOnceDetectedAndReturnsAfterRiseGoodChecks() {
        EtcdCluster cluster = CLUSTER.cluster();
        int hung = 1;
        String hungEndpoint = cluster.clientEndpoint(hung);
        try (GatewayProcess gateway = GatewayProcess.start(flags())) {
            AdminEndpoint admin = gateway.admin();
            awaitHealth(admin, cluster.clientEndpoints(), "healthy", Duration.ofSeconds(10));

            cluster.pause(hung);
            long pausedAt = System.nanoTime();
            // A quorum answers again (a new leader, if the hung member led) while the checks detect it.
            awaitReadsServedDirectly(cluster, hung == 0 ? 1 : 0);
            sleepUntil(pausedAt + DETECTION.plus(SLACK).toNanos());
            JsonNode state = admin.endpoint(hungEndpoint);
            assertThat(state.get("health").asText()).as("%s", state).isEqualTo("unhealthy");
            assertThat(state.get("state").asText()).as("%s", state).isEqualTo("out");

            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                CommandResult result = etcdctl.run("get", "it/health/probe");
                if (!result.succeeded()) {
                    failures.add(result.describe());
                }
            }
            assertThat(failures).as("sessions through the gateway that failed, of %d, with %s hung", SESSIONS, hungEndpoint)
                    .isEmpty();

            cluster.resume(hung);
            long resumedAt = System.nanoTime();
            awaitHealth(admin, List.of(hungEndpoint), "healthy",
                    INTERVAL.multipliedBy(RISE).plus(TIMEOUT).plus(SLACK).plus(Duration.ofSeconds(2)));
            assertThat(admin.endpoint(hungEndpoint).get("state").asText()).isEqualTo("usable");
            assertThat(Duration.ofNanos(System.nanoTime() - resumedAt))
                    .as("back within rise x interval (+ a check's timeout and scheduling)")
                    .isLessThan(INTERVAL.multipliedBy(RISE + 1).plus(TIMEOUT).plus(SLACK).plus(Duration.ofSeconds(2)));
        }
    }

    @Test
    void aWatchHeldToAHungMemberIsClosedAfterTheGraceAndReconnectsToAHealthyOne() {
        EtcdCluster cluster = CLUSTER.cluster();
        try (GatewayProcess gateway = GatewayProcess.start(flags())) {
            AdminEndpoint admin = gateway.admin();
            awaitHealth(admin, cluster.clientEndpoints(), "healthy", Duration.ofSeconds(10));
            String key = "it/health/watch";
            try (ChildProcess watch = Etcdctl.at(gateway.listenAddress()).startInBackground("watch", key)) {
                // The watch's one connection: find the member it went to.
                String held = Poll.until("the watch's connection to show on /endpoints", Duration.ofSeconds(10), () ->
                        admin.endpoints().stream()
                                .filter(node -> node.get("activeConnections").asInt() == 1)
                                .map(node -> node.get("endpoint").asText())
                                .findFirst());
                int hung = cluster.clientEndpoints().indexOf(held);
                assertThat(hung).as("%s is one of %s", held, cluster.clientEndpoints()).isNotNegative();
                int healthy = (hung + 1) % cluster.size();

                cluster.pause(hung);
                Poll.untilTrue("the gateway to close the watch's connection to the hung member " + held,
                        DETECTION.plus(GRACE).plus(SLACK).plus(Duration.ofSeconds(3)),
                        () -> admin.endpoint(held).get("activeConnections").asInt() == 0);
                assertThat(gateway.output()).contains("closing 1 connection(s) to unhealthy endpoint");

                awaitReadsServedDirectly(cluster, healthy);
                Etcdctl direct = Etcdctl.at(cluster.clientEndpoint(healthy));
                Poll.untilTrue("the reconnected watch to see a put made on a healthy member", Duration.ofSeconds(20), () -> {
                    if (!watch.isAlive()) {
                        throw new AssertionError("etcdctl watch exited:\n" + watch.result(false).describe());
                    }
                    direct.run("put", key, "after-the-hang");
                    return watch.stdout().contains("PUT\n" + key + "\nafter-the-hang\n");
                });
                assertThat(admin.endpoint(held).get("activeConnections").asInt())
                        .as("the reconnect went to a healthy member").isZero();
            }
        }
    }

    @Test
    void withoutQuorumNoMemberIsHealthyAndTheOneLeftStillServesSerializableReads() {
        EtcdCluster cluster = CLUSTER.cluster();
        String key = "it/health/no-quorum";
        Etcdctl.at(cluster.clientEndpoint(0)).run("put", key, "written-with-quorum");
        try (GatewayProcess gateway = GatewayProcess.start(flags())) {
            AdminEndpoint admin = gateway.admin();
            awaitHealth(admin, cluster.clientEndpoints(), "healthy", Duration.ofSeconds(10));

            cluster.kill(1);
            cluster.kill(2);
            // etcd's /health fails on a member without a leader: every endpoint is unhealthy.
            awaitHealth(admin, List.of(cluster.clientEndpoint(0)), "unhealthy", Duration.ofSeconds(15));
            assertThat(admin.get("/readyz").status()).as("/readyz with no healthy endpoint").isEqualTo(503);

            // Closing every client would be no help; the member left answers what it can.
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            for (int i = 0; i < 5; i++) {
                CommandResult read = etcdctl.run("get", key, "--consistency=s", "--print-value-only");
                assertThat(read.succeeded()).as("serializable read %d through the gateway: %s", i, read.describe()).isTrue();
                assertThat(read.stdout()).isEqualTo("written-with-quorum\n");
            }
            assertThat(gateway.output()).contains("no endpoint passes its health checks");
        }
    }

    /** Polls /endpoints until each of {@code endpoints} has {@code health}. */
    private static void awaitHealth(AdminEndpoint admin, List<String> endpoints, String health, Duration timeout) {
        Poll.untilTrue(endpoints + " to be " + health + " on /endpoints", timeout, () -> endpoints.stream()
                .allMatch(endpoint -> admin.endpoint(endpoint).get("health").asText().equals(health)));
    }

    /** Waits until member {@code index} serves a linearizable read: the cluster has a leader again. */
    private static void awaitReadsServedDirectly(EtcdCluster cluster, int index) {
        Etcdctl direct = Etcdctl.at(cluster.clientEndpoint(index));
        Poll.until("member " + index + " to serve reads", Duration.ofSeconds(15), direct::servingMember);
    }

    private static void sleepUntil(long deadlineNanos) {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
