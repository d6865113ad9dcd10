package org.etcdgateway.discovery.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.discovery.http.FakeHttpServer;
import org.etcdgateway.discovery.refresh.LogCapture;
import org.etcdgateway.discovery.refresh.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiscoveryUrlDiscoveryTest {

    private static final String TOKEN_PATH = "/v2/keys/_etcd/registry/0123456789abcdef";
    private static final String SIZE_PATH = TOKEN_PATH + "/_config/size";
    private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<List<Endpoint>> delivered = new ArrayList<>();
    private final List<FakeHttpServer> servers = new ArrayList<>();
    private final FakeHttpServer discoveryService = server();

    @AfterEach
    void stopServers() {
        servers.forEach(FakeHttpServer::close);
    }

    @Test
    void aCompleteClusterGivesTheClientUrlsThatItsFirstPeerLists() throws Exception {
        List<FakeHttpServer> peers = List.of(server(), server(), server());
        peers.forEach(peer -> peer.route("/members", members(member(1, peer, "http://10.0.0.1:2379"),
                member(2, peers.get(1), "http://10.0.0.2:2379"), member(3, peers.get(2), "https://10.0.0.3:2379"))));
        discoveryService.route(SIZE_PATH, size("3"));
        discoveryService.route(TOKEN_PATH, registered(peers.get(0), peers.get(1), peers.get(2)));

        try (EndpointDiscovery discovery = discovery("1s", "5m")) {
            discovery.start(delivered::add);

            assertThat(scheduler.nextDelay()).contains(REFRESH_INTERVAL);
        }

        assertThat(delivered).containsExactly(List.of(
                new Endpoint("10.0.0.1", 2379, false, 0, 1, "discovery-url"),
                new Endpoint("10.0.0.2", 2379, false, 0, 1, "discovery-url"),
                new Endpoint("10.0.0.3", 2379, true, 0, 1, "discovery-url")));
        assertThat(peers.get(0).requests()).containsExactly(new FakeHttpServer.Request("GET", "/members", ""));
        assertThat(peers.get(1).requests()).isEmpty();
    }

    @Test
    void startWaitsUntilAsManyMembersAsTheSizeSaysHaveRegistered() throws Exception {
        List<FakeHttpServer> peers = List.of(server(), server(), server());
        peers.forEach(peer -> peer.route("/members", members(member(1, peer, "http://10.0.0.1:2379"))));
        discoveryService.route(SIZE_PATH, size("3"));
        AtomicInteger reads = new AtomicInteger();
        discoveryService.route(TOKEN_PATH, request -> registered(peers.subList(0, Math.min(reads.incrementAndGet(), 3))));

        try (EndpointDiscovery discovery = discovery("10ms", "1m"); LogCapture log = LogCapture.of(DiscoveryUrlDiscovery.class);
             LogCapture peerLog = LogCapture.of(PeerMembersDiscovery.class)) {
            discovery.start(delivered::add);

            assertThat(log.messages()).hasSize(2);
            assertThat(log.messages().get(0)).isEqualTo("discovery discovery-url: " + discoveryService.uri(TOKEN_PATH)
                    + ": 1 of 3 members are registered; looking again every 10ms, for up to " + log.messages().get(0).split("up to ")[1]);
            assertThat(log.messages().get(1)).contains(": 2 of 3 members are registered; looking again every 10ms");
            assertThat(peerLog.messages()).hasSize(1);
            assertThat(peerLog.messages().get(0)).startsWith("discovery discovery-url: members from peer " + peers.get(0).baseUrl());
        }
        assertThat(discoveryService.requestsFor(TOKEN_PATH)).isEqualTo(3);
        assertThat(delivered).containsExactly(List.of(Endpoint.parse("10.0.0.1:2379", "discovery-url")));
    }

    @Test
    void startFailsWhenTheClusterIsNotCompleteWithinTheWaitTimeout() {
        FakeHttpServer peer = server();
        discoveryService.route(SIZE_PATH, size("3"));
        discoveryService.route(TOKEN_PATH, registered(peer, peer));

        try (EndpointDiscovery discovery = discovery("20ms", "200ms")) {
            assertThatThrownBy(() -> discovery.start(delivered::add))
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessage("discovery discovery-url: no endpoints from the cluster at discovery URL " + discoveryService.uri(TOKEN_PATH)
                            + ": waited 200ms (wait-timeout) in vain: 2 of 3 members are registered");
        }
        assertThat(peer.requests()).isEmpty();
    }

    @Test
    void startWaitsForAPeerToAnswerOnceTheClusterIsComplete() throws Exception {
        FakeHttpServer peer = server();
        discoveryService.route(SIZE_PATH, size("1"));
        discoveryService.route(TOKEN_PATH, registered(peer));
        AtomicInteger asked = new AtomicInteger();
        peer.route("/members", request -> asked.incrementAndGet() == 1
                ? FakeHttpServer.Answer.status(503, "not ready") : members(member(1, peer, "http://10.0.0.1:2379")));

        try (EndpointDiscovery discovery = discovery("10ms", "1m"); LogCapture log = LogCapture.of(DiscoveryUrlDiscovery.class)) {
            discovery.start(delivered::add);

            assertThat(log.messages().get(0)).contains(": the cluster's 1 member(s) are registered, but no member list from any of 1 peer URL(s): GET "
                    + peer.uri("/members") + " answered status 503: not ready; looking again every 10ms");
        }
        assertThat(delivered).containsExactly(List.of(Endpoint.parse("10.0.0.1:2379", "discovery-url")));
    }

    @Test
    void aDiscoveryServiceThatIsDownForAMomentIsWaitedFor() throws Exception {
        FakeHttpServer peer = server();
        peer.route("/members", members(member(1, peer, "http://10.0.0.1:2379")));
        AtomicInteger reads = new AtomicInteger();
        discoveryService.route(SIZE_PATH, request -> reads.incrementAndGet() == 1
                ? FakeHttpServer.Answer.status(503, "{\"errorCode\":300,\"message\":\"Raft Internal Error\"}") : size("1"));
        discoveryService.route(TOKEN_PATH, registered(peer));

        try (EndpointDiscovery discovery = discovery("10ms", "1m"); LogCapture log = LogCapture.of(DiscoveryUrlDiscovery.class)) {
            discovery.start(delivered::add);

            assertThat(log.messages().get(0)).contains(": cannot read it: GET " + discoveryService.uri(SIZE_PATH)
                    + " answered status 503 (Raft Internal Error); looking again every 10ms");
        }
        assertThat(delivered).hasSize(1);
    }

    @Test
    void aTokenThatDoesNotExistFailsStartAtOnceNamingTheUrlAndTheStatus() {
        discoveryService.route(SIZE_PATH, FakeHttpServer.Answer.status(404,
                "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/_etcd/registry/0123456789abcdef\",\"index\":4}"));

        try (EndpointDiscovery discovery = discovery("10ms", "1h")) {
            assertThatThrownBy(() -> discovery.start(delivered::add))
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessage("discovery discovery-url: no endpoints from the cluster at discovery URL " + discoveryService.uri(TOKEN_PATH)
                            + ": GET " + discoveryService.uri(SIZE_PATH) + " answered status 404 (Key not found:"
                            + " /_etcd/registry/0123456789abcdef); does the token exist, with its size set?");
        }
        assertThat(discoveryService.requestsFor(SIZE_PATH)).isEqualTo(1);
    }

    @Test
    void answersThatAreNotTheProtocolFailStartAtOnceSayingWhatIsWrong() {
        FakeHttpServer peer = server();
        assertStartFails(size("3"), FakeHttpServer.Answer.json("<html>hello</html>"),
                "GET " + discoveryService.uri(TOKEN_PATH) + " answered with a body that is not JSON (at line 1, column 1): <html>hello</html>");
        assertStartFails(size("three"), registered(peer),
                "GET " + discoveryService.uri(SIZE_PATH) + " answered the size \"three\" (expected: a whole number, 1 or more, in node.value)");
        assertStartFails(FakeHttpServer.Answer.json("{\"node\":{}}"), registered(peer),
                "GET " + discoveryService.uri(SIZE_PATH) + " answered the size \"\" (expected: a whole number, 1 or more, in node.value)");
        assertStartFails(size("1"), FakeHttpServer.Answer.status(403, "forbidden"),
                "GET " + discoveryService.uri(TOKEN_PATH) + " answered status 403: forbidden");
        assertStartFails(size("1"), FakeHttpServer.Answer.json(nodes(node("a1", 5, "infra0 http://10.0.0.1:2380"))),
                "the member registered at /_etcd/registry/0123456789abcdef/a1 has the value \"infra0 http://10.0.0.1:2380\"");
    }

    @Test
    void registrationsBeyondTheSizeAreNotTheCluster() throws Exception {
        FakeHttpServer peer = server();
        peer.route("/members", members(member(1, peer, "http://10.0.0.1:2379")));
        discoveryService.route(SIZE_PATH, size("1"));
        // etcd turns a late member away ("cluster is full"); its registration stays. Sorted by createdIndex, not by listing.
        discoveryService.route(TOKEN_PATH, FakeHttpServer.Answer.json(nodes(node("b2", 9, "late=not a URL"),
                node("a1", 5, "infra0=" + peer.baseUrl()))));

        try (EndpointDiscovery discovery = discovery("10ms", "1m")) {
            discovery.start(delivered::add);
        }

        assertThat(delivered).containsExactly(List.of(Endpoint.parse("10.0.0.1:2379", "discovery-url")));
    }

    @Test
    void refreshesReadTheMembersAgainFromThePeersAndKeepTheLastSetWhenNoneAnswers() throws Exception {
        FakeHttpServer peer = server();
        FakeHttpServer added = server();
        List<FakeHttpServer.Answer> answers = List.of(
                members(member(1, peer, "http://10.0.0.1:2379")),
                members(member(1, peer, "http://10.0.0.1:2379"), member(2, added, "http://10.0.0.2:2379")),
                FakeHttpServer.Answer.status(500, ""));
        AtomicInteger asked = new AtomicInteger();
        peer.route("/members", request -> answers.get(Math.min(asked.getAndIncrement(), answers.size() - 1)));
        added.route("/members", FakeHttpServer.Answer.status(500, ""));
        discoveryService.route(SIZE_PATH, size("1"));
        discoveryService.route(TOKEN_PATH, registered(peer));

        try (EndpointDiscovery discovery = discovery("10ms", "1m")) {
            discovery.start(delivered::add);
            scheduler.runNext();
            scheduler.runNext();
            assertThat(scheduler.nextDelay()).contains(REFRESH_INTERVAL);
        }

        assertThat(delivered).containsExactly(
                List.of(Endpoint.parse("10.0.0.1:2379", "discovery-url")),
                List.of(Endpoint.parse("10.0.0.1:2379", "discovery-url"), Endpoint.parse("10.0.0.2:2379", "discovery-url")));
        // The member added since was asked too, once the registered one failed.
        assertThat(added.requestsFor("/members")).isEqualTo(1);
        // The discovery URL is read at start only.
        assertThat(discoveryService.requestsFor(SIZE_PATH)).isEqualTo(1);
    }

    private void assertStartFails(FakeHttpServer.Answer size, FakeHttpServer.Answer directory, String message) {
        discoveryService.route(SIZE_PATH, size);
        discoveryService.route(TOKEN_PATH, directory);
        try (EndpointDiscovery discovery = discovery("10ms", "1h")) {
            assertThatThrownBy(() -> discovery.start(delivered::add))
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageStartingWith("discovery discovery-url: no endpoints from the cluster at discovery URL "
                            + discoveryService.uri(TOKEN_PATH) + ": " + message);
        }
    }

    private EndpointDiscovery discovery(String pollInterval, String waitTimeout) {
        DiscoveryUrlDiscoveryProvider provider = new DiscoveryUrlDiscoveryProvider();
        String path = "gateway.discovery.discovery-url";
        var config = ConfigFactory.parseString(path + " { url = \"" + discoveryService.uri(TOKEN_PATH) + "/\", poll-interval = "
                + pollInterval + ", wait-timeout = " + waitTimeout + ", refresh-interval = " + REFRESH_INTERVAL.toSeconds()
                + "s, request-timeout = 2s }");
        try {
            return provider.newDiscovery(provider.parseSettings(SettingsReader.of(config, path)), scheduler.context());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private FakeHttpServer server() {
        FakeHttpServer server = FakeHttpServer.start();
        servers.add(server);
        return server;
    }

    private static FakeHttpServer.Answer size(String value) {
        return FakeHttpServer.Answer.json("{\"action\":\"get\",\"node\":{\"key\":\"/_etcd/registry/0123456789abcdef/_config/size\","
                + "\"value\":\"" + value + "\",\"modifiedIndex\":4,\"createdIndex\":4}}");
    }

    /** The token directory with one registration per peer, named and indexed in order. */
    private static FakeHttpServer.Answer registered(FakeHttpServer... peers) {
        return registered(List.of(peers));
    }

    private static FakeHttpServer.Answer registered(List<FakeHttpServer> peers) {
        List<String> nodes = new ArrayList<>();
        for (int index = 0; index < peers.size(); index++) {
            nodes.add(node(Integer.toHexString(0xa0 + index), 5 + index, "infra" + index + "=" + peers.get(index).baseUrl()));
        }
        return FakeHttpServer.Answer.json(nodes(nodes.toArray(String[]::new)));
    }

    private static String nodes(String... nodes) {
        return "{\"action\":\"get\",\"node\":{\"key\":\"/_etcd/registry/0123456789abcdef\",\"dir\":true,\"nodes\":["
                + String.join(",", nodes) + "],\"modifiedIndex\":4,\"createdIndex\":4}}";
    }

    private static String node(String id, long createdIndex, String value) {
        return "{\"key\":\"/_etcd/registry/0123456789abcdef/" + id + "\",\"value\":\"" + value + "\",\"modifiedIndex\":"
                + createdIndex + ",\"createdIndex\":" + createdIndex + "}";
    }

    /** A peer's {@code /members} answer. */
    private static FakeHttpServer.Answer members(String... members) {
        return FakeHttpServer.Answer.json("[" + String.join(",", members) + "]").withHeader("X-Etcd-Cluster-ID", "dc50b8daae93b3e0");
    }

    private static String member(long id, FakeHttpServer peer, String... clientUrls) {
        return "{\"id\":" + id + ",\"name\":\"infra" + id + "\",\"peerURLs\":[\"" + peer.baseUrl() + "\"],\"clientURLs\":["
                + List.of(clientUrls).stream().map(url -> "\"" + url + "\"").collect(Collectors.joining(",")) + "]}";
    }
}
