package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writes-to-leader}: through the gateway's v2 proxy, in front of a real 3-member cluster,
 * every write and quorum read lands on the leader, plain reads still follow the policy, and when
 * etcd moves the leadership the writes follow it. Where each request landed is read from the members' own
 * counters ({@code etcd_http_received_total} counts the v2 keys requests a member was sent).
 */
@Timeout(120)
class WritesToLeaderTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = EtcdClusterExtension.withV2Api(DIAGNOSTICS);

    private static final int REQUESTS = 30;
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern RECEIVED = Pattern.compile("(?m)^etcd_http_received_total\\{method=\"(\\w+)\"} (\\d+)$");

    @TempDir
    Path dataDirectory;

    @Test
    void writesAndQuorumReadsGoToTheLeaderAndFollowItWhenItMoves() {
        EtcdCluster cluster = CLUSTER.cluster();
        try (GatewayV2Proxy proxy = startProxy(cluster)) {
            V2Client client = V2Client.of(proxy.url());

            // A key every member has applied, for plain reads that may go to any of them.
            V2Response written = client.put("/v2/keys/it-leader/read", "everywhere");
            assertThat(written.status()).as("%s", written).isIn(200, 201);
            for (int index = 0; index < cluster.size(); index++) {
                V2Client member = V2Client.of("http://" + cluster.clientEndpoint(index));
                Poll.untilTrue("member " + index + " to have applied the key", LEADER_TIMEOUT,
                        () -> member.get("/v2/keys/it-leader/read").status() == 200);
            }

            int leader = awaitAgreedLeader(proxy, cluster);
            assertThat(proxy.admin().metrics())
                    .filteredOn(sample -> sample.name().equals("etcd_gateway_leader"))
                    .as("the leader gauge on the proxy's /metrics")
                    .singleElement()
                    .satisfies(sample -> {
                        assertThat(sample.labels()).containsEntry("endpoint", cluster.clientEndpoint(leader));
                        assertThat(sample.value()).isEqualTo(1.0);
                    });
            Received before = Received.by(cluster);
            for (int request = 0; request < REQUESTS; request++) {
                V2Response put = client.put("/v2/keys/it-leader/first/" + request, "v" + request);
                assertThat(put.status()).as("%s", put).isEqualTo(201);
                V2Response quorumGet = client.get("/v2/keys/it-leader/first/" + request + "?quorum=true");
                assertThat(quorumGet.status()).as("%s", quorumGet).isEqualTo(200);
                V2Response get = client.get("/v2/keys/it-leader/read");
                assertThat(get.status()).as("%s", get).isEqualTo(200);
            }
            Received after = Received.by(cluster);
            assertThat(after.since(before, "PUT"))
                    .as("PUTs each member was sent; the leader is member %d", leader)
                    .isEqualTo(onlyAt(leader, cluster.size()));
            // etcd counts a GET with ?quorum=true as a QGET.
            assertThat(after.since(before, "QGET"))
                    .as("quorum GETs each member was sent; the leader is member %d", leader)
                    .isEqualTo(onlyAt(leader, cluster.size()));
            assertThat(after.since(before, "GET"))
                    .as("plain GETs each member was sent: round-robin, the proxy's policy").containsOnly(10L);

            int next = (leader + 1) % cluster.size();
            CommandResult moved = Etcdctl.at(cluster.clientEndpoint(leader)).run("move-leader", cluster.memberId(next).toString());
            assertThat(moved.succeeded()).as(moved::describe).isTrue();
            assertThat(awaitAgreedLeader(proxy, cluster)).isEqualTo(next);
            Received beforeMove = Received.by(cluster);
            for (int request = 0; request < REQUESTS; request++) {
                V2Response put = client.put("/v2/keys/it-leader/moved/" + request, "v" + request);
                assertThat(put.status()).as("%s", put).isEqualTo(201);
            }
            assertThat(Received.by(cluster).since(beforeMove, "PUT"))
                    .as("PUTs each member was sent after the leadership moved to member %d", next)
                    .isEqualTo(onlyAt(next, cluster.size()));
        }
    }

    /**
     * The leader SIGKILLed: the proxy stops naming it, the members elect another, and the writes
     * go there. A write sent while there is no leader fails on every member alike (etcd's
     * election, not the proxy's doing), so the writes counted are the ones after it.
     */
    @Test
    void whenTheLeaderDiesWritesGoToTheNewOne() {
        EtcdCluster cluster = CLUSTER.cluster();
        try (GatewayV2Proxy proxy = startProxy(cluster)) {
            V2Client client = V2Client.of(proxy.url());
            int first = awaitAgreedLeader(proxy, cluster);

            cluster.kill(first);
            // Whichever member wins the election (a first winner may lose a later term).
            int second = awaitAgreedLeader(proxy, cluster);
            assertThat(second).isNotEqualTo(first);
            Received before = Received.by(cluster);
            for (int request = 0; request < REQUESTS; request++) {
                V2Response put = client.put("/v2/keys/it-leader/after-kill/" + request, "v" + request);
                assertThat(put.status()).as("%s", put).isEqualTo(201);
            }
            assertThat(Received.by(cluster).since(before, "PUT"))
                    .as("PUTs each member was sent after member %d, the leader, was killed and member %d took over",
                            first, second)
                    .isEqualTo(onlyAt(second, cluster.size()));
        }
    }

    @Test
    void turnedOffWritesFollowThePolicy() throws IOException {
        EtcdCluster cluster = CLUSTER.cluster();
        Path config = Files.writeString(dataDirectory.resolve("gateway.conf"), "gateway.transport.http.writes-to-leader = false\n");
        try (GatewayV2Proxy proxy = startProxy(cluster, "--config", config.toString())) {
            V2Client client = V2Client.of(proxy.url());
            Received before = Received.by(cluster);
            for (int request = 0; request < REQUESTS; request++) {
                V2Response put = client.put("/v2/keys/it-leader/off/" + request, "v" + request);
                assertThat(put.status()).as("%s", put).isEqualTo(201);
            }
            assertThat(Received.by(cluster).since(before, "PUT")).as("PUTs each member was sent: round-robin")
                    .containsOnly(10L);
            assertThat(proxy.output()).doesNotContain("LeaderTracker");
        }
    }

    /** The gateway's proxy in front of {@code cluster}, with {@code flags} besides. */
    private GatewayV2Proxy startProxy(EtcdCluster cluster, String... flags) {
        List<String> command = new ArrayList<>(List.of("--proxy", "on", "--initial-cluster", cluster.initialCluster()));
        command.addAll(List.of(flags));
        GatewayV2Proxy proxy = GatewayV2Proxy.start(dataDirectory, command);
        DIAGNOSTICS.forTest("proxy", proxy::output);
        return proxy;
    }

    /**
     * Waits until a running member says it leads (its own {@code /v2/stats/self}) and the proxy's
     * last word on the leader names that member; returns the member's index.
     */
    private static int awaitAgreedLeader(GatewayV2Proxy proxy, EtcdCluster cluster) {
        return Poll.until("a leader that the proxy names too", LEADER_TIMEOUT, () -> {
            Optional<Integer> leading = cluster.memberInRaftState("StateLeader");
            if (leading.isEmpty()) {
                return Optional.empty();
            }
            String line = "writes go to the leader, " + cluster.clientEndpoint(leading.get());
            List<String> said = proxy.output().lines().filter(l -> l.contains("LeaderTracker:")).toList();
            return !said.isEmpty() && said.get(said.size() - 1).endsWith(line) ? leading : Optional.empty();
        });
    }

    /**
     * How many v2 keys requests each member had been sent since it started, per method (etcd's
     * label for it), from one reading of every member's {@code /metrics}; a member that is not
     * running counts 0.
     */
    private record Received(List<Map<String, Long>> perMember) {

        static Received by(EtcdCluster cluster) {
            List<Map<String, Long>> perMember = new ArrayList<>();
            for (int index = 0; index < cluster.size(); index++) {
                Map<String, Long> counts = new HashMap<>();
                if (cluster.isRunning(index)) {
                    V2Response metrics = V2Client.of("http://" + cluster.clientEndpoint(index)).get("/metrics");
                    assertThat(metrics.status()).as("%s", metrics).isEqualTo(200);
                    Matcher matcher = RECEIVED.matcher(metrics.body());
                    while (matcher.find()) {
                        counts.put(matcher.group(1), Long.parseLong(matcher.group(2)));
                    }
                }
                perMember.add(counts);
            }
            return new Received(perMember);
        }

        /** Per member, the requests with {@code method} sent to it between {@code before} and this reading. */
        List<Long> since(Received before, String method) {
            List<Long> difference = new ArrayList<>();
            for (int index = 0; index < perMember.size(); index++) {
                difference.add(perMember.get(index).getOrDefault(method, 0L)
                        - before.perMember.get(index).getOrDefault(method, 0L));
            }
            return difference;
        }
    }

    private static List<Long> onlyAt(int index, int size) {
        List<Long> counts = new ArrayList<>();
        for (int member = 0; member < size; member++) {
            counts.add(member == index ? (long) REQUESTS : 0L);
        }
        return counts;
    }
}
