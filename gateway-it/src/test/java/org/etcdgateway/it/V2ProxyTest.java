package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The v2 proxy's behaviour through a real 3-member cluster, each test run against etcd's own
 * proxy, which shows the test asks for etcd's behaviour, and against the gateway's, which shows
 * the gateway has it.
 */
@Timeout(60)
class V2ProxyTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = EtcdClusterExtension.withV2Api(DIAGNOSTICS);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** etcd's v2 store expires keys on the leader's sync, every 500 ms; 1 s of TTL is gone within 3 s. */
    private static final Duration EXPIRY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLUSTER_FILE_TIMEOUT = Duration.ofSeconds(10);
    private static final int REQUESTS_WHILE_A_MEMBER_DIES = 100;

    @TempDir
    Path dataDirectory;

    @ParameterizedTest(name = "{0}")
    @EnumSource(V2ProxyKind.class)
    void setGetAndDeleteAKey(V2ProxyKind kind) {
        try (V2Proxy proxy = start(kind, "on")) {
            V2Client client = V2Client.of(proxy.url());
            String key = keys(kind, "crud") + "/key";

            V2Response created = client.put(key, "one");
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            assertThat(created.json().path("action").asText()).isEqualTo("set");
            assertThat(created.nodeValue()).isEqualTo("one");

            V2Response read = client.get(key);
            assertThat(read.status()).as("%s", read).isEqualTo(200);
            assertThat(read.json().path("action").asText()).isEqualTo("get");
            assertThat(read.nodeValue()).isEqualTo("one");

            V2Response replaced = client.put(key, "two");
            assertThat(replaced.status()).as("%s", replaced).isEqualTo(200);
            assertThat(replaced.json().path("prevNode").path("value").asText()).isEqualTo("one");

            V2Response deleted = client.delete(key);
            assertThat(deleted.status()).as("%s", deleted).isEqualTo(200);
            assertThat(deleted.json().path("action").asText()).isEqualTo("delete");

            V2Response missing = client.get(key);
            assertThat(missing.status()).as("%s", missing).isEqualTo(404);
            assertThat(missing.errorCode()).isEqualTo(100);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(V2ProxyKind.class)
    void compareAndSwapOnValueAndIndex(V2ProxyKind kind) {
        try (V2Proxy proxy = start(kind, "on")) {
            V2Client client = V2Client.of(proxy.url());
            String key = keys(kind, "cas") + "/key";
            assertThat(client.put(key, "one").status()).isEqualTo(201);

            V2Response swapped = client.send("PUT", key + "?prevValue=one", V2Client.form("value", "two"));
            assertThat(swapped.status()).as("%s", swapped).isEqualTo(200);
            assertThat(swapped.json().path("action").asText()).isEqualTo("compareAndSwap");
            long index = swapped.json().path("node").path("modifiedIndex").asLong();

            V2Response wrongValue = client.send("PUT", key + "?prevValue=one", V2Client.form("value", "three"));
            assertThat(wrongValue.status()).as("%s", wrongValue).isEqualTo(412);
            assertThat(wrongValue.errorCode()).isEqualTo(101);

            V2Response rightIndex = client.send("PUT", key + "?prevIndex=" + index, V2Client.form("value", "four"));
            assertThat(rightIndex.status()).as("%s", rightIndex).isEqualTo(200);
            assertThat(rightIndex.nodeValue()).isEqualTo("four");

            V2Response staleIndex = client.send("PUT", key + "?prevIndex=" + index, V2Client.form("value", "five"));
            assertThat(staleIndex.status()).as("%s", staleIndex).isEqualTo(412);
            assertThat(staleIndex.errorCode()).isEqualTo(101);

            V2Response exists = client.send("PUT", key + "?prevExist=false", V2Client.form("value", "six"));
            assertThat(exists.status()).as("%s", exists).isEqualTo(412);
            assertThat(exists.errorCode()).isEqualTo(105);

            assertThat(client.delete(key + "?prevValue=wrong").status()).isEqualTo(412);
            V2Response compareAndDelete = client.delete(key + "?prevValue=four");
            assertThat(compareAndDelete.status()).as("%s", compareAndDelete).isEqualTo(200);
            assertThat(compareAndDelete.json().path("action").asText()).isEqualTo("compareAndDelete");
            assertThat(client.get(key).status()).isEqualTo(404);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(V2ProxyKind.class)
    void listDirectoriesFlatAndRecursive(V2ProxyKind kind) {
        try (V2Proxy proxy = start(kind, "on")) {
            V2Client client = V2Client.of(proxy.url());
            String directory = keys(kind, "directories");
            String directoryKey = directory.substring("/v2/keys".length());
            assertThat(client.put(directory + "/a", "1").status()).isEqualTo(201);
            assertThat(client.put(directory + "/sub/b", "2").status()).isEqualTo(201);
            V2Response empty = client.send("PUT", directory + "/empty?dir=true", null);
            assertThat(empty.status()).as("%s", empty).isEqualTo(201);
            assertThat(empty.json().path("node").path("dir").asBoolean()).isTrue();

            V2Response flat = client.get(directory + "?sorted=true");
            assertThat(flat.status()).as("%s", flat).isEqualTo(200);
            JsonNode nodes = flat.json().path("node").path("nodes");
            assertThat(keysOf(nodes)).containsExactly(directoryKey + "/a", directoryKey + "/empty", directoryKey + "/sub");
            assertThat(nodes.get(0).path("value").asText()).isEqualTo("1");
            assertThat(nodes.get(2).path("dir").asBoolean()).isTrue();
            assertThat(nodes.get(2).has("nodes")).as("a flat listing stops at the first level: %s", flat).isFalse();

            V2Response recursive = client.get(directory + "?recursive=true&sorted=true");
            assertThat(recursive.status()).as("%s", recursive).isEqualTo(200);
            JsonNode sub = recursive.json().path("node").path("nodes").get(2);
            assertThat(keysOf(sub.path("nodes"))).containsExactly(directoryKey + "/sub/b");
            assertThat(sub.path("nodes").get(0).path("value").asText()).isEqualTo("2");

            V2Response notEmpty = client.delete(directory + "?dir=true");
            assertThat(notEmpty.status()).as("%s", notEmpty).isEqualTo(403);
            assertThat(notEmpty.errorCode()).isEqualTo(108);
            assertThat(client.delete(directory + "?recursive=true").status()).isEqualTo(200);
            assertThat(client.get(directory).status()).isEqualTo(404);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(V2ProxyKind.class)
    void aKeyWithATtlOfOneSecondExpires(V2ProxyKind kind) {
        try (V2Proxy proxy = start(kind, "on")) {
            V2Client client = V2Client.of(proxy.url());
            String key = keys(kind, "ttl") + "/key";

            V2Response created = client.send("PUT", key + "?ttl=1", V2Client.form("value", "short-lived"));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            assertThat(created.json().path("node").path("ttl").asInt()).isEqualTo(1);
            assertThat(created.json().path("node").path("expiration").asText()).isNotEmpty();

            Poll.untilTrue(key + " to expire", EXPIRY_TIMEOUT, () -> client.get(key).status() == 404);
            assertThat(client.get(key).errorCode()).isEqualTo(100);
        }
    }

    /**
     * {@code --proxy readonly}: anything but GET is answered 501 with an empty body by the proxy
     * itself; the members never see it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(V2ProxyKind.class)
    void readonlyAnswersEverythingButGetWith501AndForwardsNothing(V2ProxyKind kind) {
        EtcdCluster cluster = CLUSTER.cluster();
        V2Client member = V2Client.of("http://" + cluster.clientEndpoint(0));
        String keys = keys(kind, "readonly");
        assertThat(member.put(keys + "/existing", "kept").status()).isEqualTo(201);

        try (V2Proxy proxy = start(kind, "readonly")) {
            V2Client client = V2Client.of(proxy.url());
            List<V2Response> refused = List.of(
                    client.send("PUT", keys + "/put", V2Client.form("value", "x")),
                    client.send("POST", keys + "/queue", V2Client.form("value", "x")),
                    client.send("DELETE", keys + "/existing", null),
                    client.send("HEAD", keys + "/existing", null));
            for (V2Response response : refused) {
                assertThat(response.status()).as("%s", response).isEqualTo(501);
                assertThat(response.body()).as("%s", response).isEmpty();
            }

            V2Response read = client.get(keys + "/existing");
            assertThat(read.status()).as("%s", read).isEqualTo(200);
            assertThat(read.nodeValue()).isEqualTo("kept");
        }
        for (int index = 0; index < cluster.size(); index++) {
            V2Client direct = V2Client.of("http://" + cluster.clientEndpoint(index));
            assertThat(direct.get(keys + "/put").status()).as("the PUT reached member %d", index).isEqualTo(404);
            assertThat(direct.get(keys + "/queue").status()).as("the POST reached member %d", index).isEqualTo(404);
            assertThat(direct.get(keys + "/existing").nodeValue()).as("the DELETE reached member %d", index).isEqualTo("kept");
        }
    }

    /**
     * A member SIGKILLed halfway through a run of requests: the requests that would have gone to
     * it are replayed on another member, so the client sees no failure. The member killed is a
     * follower: killing the leader would test etcd's election, not the proxy, since a write
     * during an election fails on every member alike.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(V2ProxyKind.class)
    void requestsKeepSucceedingWhileAMemberIsKilled(V2ProxyKind kind) {
        EtcdCluster cluster = CLUSTER.cluster();
        int follower = followerIndex(cluster);
        try (V2Proxy proxy = start(kind, "on")) {
            V2Client client = V2Client.of(proxy.url());
            String keys = keys(kind, "member-killed");
            List<String> failures = new ArrayList<>();
            for (int request = 0; request < REQUESTS_WHILE_A_MEMBER_DIES; request++) {
                if (request == REQUESTS_WHILE_A_MEMBER_DIES / 2) {
                    cluster.kill(follower);
                }
                String key = keys + "/" + (request / 2);
                // quorum=true: the GET goes to another member than the PUT before it (one per
                // request), and a v2 read is served by whichever member gets it, possibly before
                // it applied the PUT; a quorum read sees every write that was acknowledged.
                V2Response response = request % 2 == 0 ? client.put(key, "value-" + request) : client.get(key + "?quorum=true");
                int expected = request % 2 == 0 ? 201 : 200;
                if (response.status() != expected) {
                    failures.add("request " + request + " (" + (request % 2 == 0 ? "PUT " : "GET ") + key + "): " + response);
                }
            }
            assertThat(failures).as("requests through %s that failed while %s was killed", proxy, cluster.name(follower))
                    .isEmpty();
        }
    }

    /**
     * {@code --data-dir}: the proxy keeps the cluster's peer URLs in {@code <data-dir>/proxy/cluster}
     * as etcd writes it, the file survives a SIGKILL whole, and a restart with the data directory
     * alone finds the cluster.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(V2ProxyKind.class)
    void theDataDirectoryKeepsTheClusterForTheNextStart(V2ProxyKind kind) throws IOException {
        EtcdCluster cluster = CLUSTER.cluster();
        Path clusterFile = dataDirectory.resolve("proxy").resolve("cluster");
        try (V2Proxy proxy = start(kind, "on")) {
            Poll.untilTrue(clusterFile + " to be written by " + proxy, CLUSTER_FILE_TIMEOUT, () -> Files.exists(clusterFile));
            assertThat(peerUrlsIn(clusterFile)).containsExactlyInAnyOrderElementsOf(cluster.peerUrls());
        }
        assertThat(peerUrlsIn(clusterFile)).as("%s after a SIGKILL", clusterFile)
                .containsExactlyInAnyOrderElementsOf(cluster.peerUrls());

        try (V2Proxy restarted = kind.start(dataDirectory, List.of("--proxy", "on"))) {
            DIAGNOSTICS.forTest("the restarted proxy", restarted::output);
            V2Client client = V2Client.of(restarted.url());
            String key = keys(kind, "data-dir") + "/key";
            Poll.untilTrue("a PUT through " + restarted + " started with --data-dir alone", CLUSTER_FILE_TIMEOUT,
                    () -> client.put(key, "found").status() == 201);
            assertThat(client.get(key).nodeValue()).isEqualTo("found");
        }
    }

    /**
     * A follower SIGSTOPped: etcd's proxy keeps sending it requests, which hang (its read timeout
     * is 0); the gateway's health checks take it out, and every request after that succeeds.
     */
    @Test
    void gatewayStopsSendingRequestsToAHungMemberOnceItsChecksFail() {
        EtcdCluster cluster = CLUSTER.cluster();
        int hung = followerIndex(cluster);
        String hungEndpoint = cluster.clientEndpoint(hung);
        try (GatewayV2Proxy proxy = GatewayV2Proxy.start(dataDirectory, List.of("--proxy", "on",
                "--initial-cluster", cluster.initialCluster(), "--health-interval", "300ms",
                "--health-timeout", "300ms", "--health-fall", "2"))) {
            DIAGNOSTICS.forTest("proxy", proxy::output);
            AdminEndpoint admin = proxy.admin();
            Poll.untilTrue("every member to be healthy on /endpoints", Duration.ofSeconds(10), () -> cluster.clientEndpoints()
                    .stream().allMatch(endpoint -> admin.endpoint(endpoint).get("health").asText().equals("healthy")));
            V2Client client = V2Client.of(proxy.url());
            String key = keys(V2ProxyKind.GATEWAY, "hung") + "/key";
            assertThat(client.put(key, "before").status()).isEqualTo(201);

            cluster.pause(hung);
            Poll.untilTrue(hungEndpoint + " to be out on /endpoints", Duration.ofSeconds(10),
                    () -> admin.endpoint(hungEndpoint).get("state").asText().equals("out"));
            Map<String, String> hungLabel = Map.of("endpoint", hungEndpoint);
            double picksBefore = AdminEndpoint.value(admin.metrics(), "etcd_gateway_endpoint_picks_total", hungLabel).orElse(0.0);
            List<String> failures = new ArrayList<>();
            for (int request = 0; request < 20; request++) {
                V2Response response = request % 2 == 0 ? client.put(key, "value-" + request) : client.get(key + "?quorum=true");
                if (response.status() != 200) {
                    failures.add("request " + request + ": " + response);
                }
            }
            assertThat(failures).as("requests through the gateway's proxy with %s hung", cluster.name(hung)).isEmpty();
            assertThat(AdminEndpoint.value(admin.metrics(), "etcd_gateway_endpoint_picks_total", hungLabel).orElse(0.0))
                    .as("requests sent to the hung member").isEqualTo(picksBefore);
        }
    }

    @Test
    void gatewayCountsRequestsUnderEtcdsProxyMetricNames() {
        try (GatewayV2Proxy proxy = GatewayV2Proxy.start(dataDirectory,
                List.of("--proxy", "on", "--initial-cluster", CLUSTER.cluster().initialCluster()))) {
            DIAGNOSTICS.forTest("proxy", proxy::output);
            V2Client client = V2Client.of(proxy.url());
            String key = keys(V2ProxyKind.GATEWAY, "metrics") + "/key";
            assertThat(client.put(key, "one").status()).isEqualTo(201);
            for (int i = 0; i < 5; i++) {
                assertThat(client.get(key).status()).isEqualTo(200);
            }
            assertThat(client.get(key + "-missing").status()).isEqualTo(404);

            List<AdminEndpoint.Sample> metrics = proxy.admin().metrics();
            assertThat(AdminEndpoint.value(metrics, "etcd_proxy_requests_total", Map.of("method", "GET"))).contains(6.0);
            assertThat(AdminEndpoint.value(metrics, "etcd_proxy_requests_total", Map.of("method", "PUT"))).contains(1.0);
            assertThat(AdminEndpoint.value(metrics, "etcd_proxy_handled_total", Map.of("method", "PUT", "code", "201")))
                    .contains(1.0);
            assertThat(AdminEndpoint.value(metrics, "etcd_proxy_handled_total", Map.of("method", "GET", "code", "200")))
                    .contains(5.0);
            assertThat(AdminEndpoint.value(metrics, "etcd_proxy_handled_total", Map.of("method", "GET", "code", "404")))
                    .contains(1.0);
            assertThat(AdminEndpoint.value(metrics, "etcd_proxy_handling_duration_seconds_count", Map.of("method", "GET")))
                    .contains(6.0);
            assertThat(AdminEndpoint.value(metrics, "etcd_proxy_handling_duration_seconds_bucket",
                    Map.of("method", "GET", "le", "+Inf"))).contains(6.0);
            assertThat(AdminEndpoint.sum(metrics, "etcd_gateway_endpoint_picks_total")).isGreaterThanOrEqualTo(7);
        }
    }

    private V2Proxy start(V2ProxyKind kind, String mode) {
        V2Proxy proxy = kind.start(dataDirectory, List.of("--proxy", mode, "--initial-cluster", CLUSTER.cluster().initialCluster()));
        DIAGNOSTICS.forTest("proxy", proxy::output);
        return proxy;
    }

    /** A key directory of the test's own, apart for each proxy: {@code /v2/keys/it-v2/<proxy>/<test>}. */
    private static String keys(V2ProxyKind kind, String test) {
        return "/v2/keys/it-v2/" + kind.name().toLowerCase(Locale.ROOT) + "/" + test;
    }

    private static List<String> keysOf(JsonNode nodes) {
        List<String> keys = new ArrayList<>();
        nodes.forEach(node -> keys.add(node.path("key").asText()));
        return keys;
    }

    private static List<String> peerUrlsIn(Path clusterFile) throws IOException {
        JsonNode cluster = JSON.readTree(Files.readString(clusterFile));
        List<String> peerUrls = new ArrayList<>();
        cluster.path("PeerURLs").forEach(url -> peerUrls.add(url.asText()));
        return peerUrls;
    }

    /** A member that is not the leader, from the members' own {@code /v2/stats/self}. */
    private static int followerIndex(EtcdCluster cluster) {
        return Poll.until("a member that knows it follows", Duration.ofSeconds(10),
                () -> cluster.memberInRaftState("StateFollower"));
    }
}
