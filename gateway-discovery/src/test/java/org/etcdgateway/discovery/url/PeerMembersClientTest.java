package org.etcdgateway.discovery.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.etcdgateway.discovery.http.FakeHttpServer;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerMembersClientTest {

    /**
     * What etcd 3.4.23's peer handler answered: one started member, one added learner that has not
     * started; and an ID above 2^63, which JSON carries as a plain number.
     */
    private static final String ETCD_ANSWER = """
            [{"id":7383792418829112008,"peerURLs":["http://127.0.0.1:42380"],"name":"p0","clientURLs":["http://127.0.0.1:42379"]},
             {"id":7557679326364476359,"peerURLs":["http://127.0.0.1:42382"],"isLearner":true},
             {"id":17293822569102704640,"peerURLs":["http://127.0.0.1:42384"],"name":"p2","clientURLs":["http://127.0.0.1:42383"]}]
            """;

    private final PeerMembersClient client = new PeerMembersClient(new JsonHttpClient(Duration.ofSeconds(2)));
    private final List<FakeHttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(FakeHttpServer::close);
    }

    @Test
    void readsEtcdsMemberListAndTheClusterIdHeader() throws Exception {
        FakeHttpServer peer = peer(FakeHttpServer.Answer.json(ETCD_ANSWER).withHeader("X-Etcd-Cluster-Id", "dc50b8daae93b3e0"));

        PeerMembers members = client.fetch(List.of(peer.baseUrl()));

        assertThat(members.answeredBy()).isEqualTo(peer.baseUrl());
        assertThat(members.clusterId()).isEqualTo("dc50b8daae93b3e0");
        assertThat(members.members()).extracting(PeerMember::id)
                .containsExactly("667880157b8812c8", "68e2454e1644a3c7", "f000000000000000");
        assertThat(members.members().get(1)).isEqualTo(new PeerMember("68e2454e1644a3c7", "",
                List.of("http://127.0.0.1:42382"), List.of(), true));
        assertThat(members.clientUrls()).containsExactly("http://127.0.0.1:42379", "http://127.0.0.1:42383");
        assertThat(members.peerUrls()).containsExactly("http://127.0.0.1:42380", "http://127.0.0.1:42382", "http://127.0.0.1:42384");
        assertThat(peer.requests()).containsExactly(new FakeHttpServer.Request("GET", "/members", ""));
    }

    @Test
    void asksThePeerUrlsInTurnUntilOneAnswersAValidList() throws Exception {
        String refused = refusedUrl();
        FakeHttpServer notEtcd = peer(FakeHttpServer.Answer.json(ETCD_ANSWER));
        FakeHttpServer notStarted = peer(FakeHttpServer.Answer.json("[{\"id\":1,\"peerURLs\":[\"http://10.0.0.1:2380\"]}]")
                .withHeader("X-Etcd-Cluster-ID", "1"));
        FakeHttpServer good = peer(FakeHttpServer.Answer.json(ETCD_ANSWER).withHeader("X-Etcd-Cluster-ID", "1"));

        PeerMembers members = client.fetch(List.of(refused, notEtcd.baseUrl(), notStarted.baseUrl() + "/", good.baseUrl()));

        assertThat(members.answeredBy()).isEqualTo(good.baseUrl());
    }

    @Test
    void whenNoneAnswersTheFailureNamesEachPeerUrlAndWhy() {
        FakeHttpServer notEtcd = peer(FakeHttpServer.Answer.json(ETCD_ANSWER));
        FakeHttpServer badJson = peer(FakeHttpServer.Answer.json("{\"id\":1}").withHeader("X-Etcd-Cluster-ID", "1"));
        FakeHttpServer badHeader = peer(FakeHttpServer.Answer.json(ETCD_ANSWER).withHeader("X-Etcd-Cluster-ID", "cluster-1"));
        FakeHttpServer badId = peer(FakeHttpServer.Answer.json("[{\"id\":-1}]").withHeader("X-Etcd-Cluster-ID", "1"));
        FakeHttpServer notFound = peer(FakeHttpServer.Answer.status(404, "404 page not found"));

        assertThatThrownBy(() -> client.fetch(List.of(notEtcd.baseUrl(), badJson.baseUrl(), badHeader.baseUrl(), badId.baseUrl(),
                notFound.baseUrl(), "10.0.0.1:2380")))
                .isInstanceOf(PeerMembersUnavailableException.class)
                .hasMessage("no member list from any of 6 peer URL(s): "
                        + "GET " + notEtcd.uri("/members") + " answered without an X-Etcd-Cluster-ID header: not an etcd peer URL?; "
                        + "GET " + badJson.uri("/members") + " answered object instead of a list of members; "
                        + "GET " + badHeader.uri("/members") + " answered X-Etcd-Cluster-ID \"cluster-1\" (expected: a hex cluster ID); "
                        + "GET " + badId.uri("/members") + " answered a member whose id is number instead of an unsigned 64-bit number; "
                        + "GET " + notFound.uri("/members") + " answered status 404: 404 page not found; "
                        + "10.0.0.1:2380: not an http:// or https:// URL with a host");
    }

    private FakeHttpServer peer(FakeHttpServer.Answer members) {
        FakeHttpServer server = FakeHttpServer.start().route("/members", members);
        servers.add(server);
        return server;
    }

    private static String refusedUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
