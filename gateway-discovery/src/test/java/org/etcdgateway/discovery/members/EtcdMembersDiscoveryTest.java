package org.etcdgateway.discovery.members;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.etcdgateway.discovery.members.MemberListAnswers.member;
import static org.etcdgateway.discovery.members.MemberListAnswers.memberList;
import static org.etcdgateway.discovery.members.MemberListAnswers.notStarted;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.discovery.http.FakeHttpServer;
import org.etcdgateway.discovery.refresh.LogCapture;
import org.etcdgateway.discovery.refresh.ManualScheduler;
import org.etcdgateway.discovery.refresh.RefreshingDiscovery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EtcdMembersDiscoveryTest {

    private static final String PATH = EtcdMembersDiscovery.MEMBER_LIST_PATH;
    private static final Duration SYNC_INTERVAL = Duration.ofSeconds(30);
    private static final String OTHER_MEMBER = "http://10.0.0.2:2379";
    private static final String THIRD_MEMBER = "http://10.0.0.3:2379";

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<List<Endpoint>> delivered = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void startAsksASeedForTheMemberListAndDeliversTheMembersClientUrls() throws Exception {
        FakeHttpServer member = server();
        member.route(PATH, memberList(member("1", "m1", member.baseUrl()), member("2", "m2", OTHER_MEMBER)));

        try (EndpointDiscovery discovery = discovery(member.authority())) {
            discovery.start(delivered::add);
        }

        assertThat(delivered).containsExactly(endpoints(member.baseUrl(), OTHER_MEMBER));
        assertThat(member.requests()).containsExactly(new FakeHttpServer.Request("POST", PATH, "{}"));
        assertThat(delivered.get(0)).allSatisfy(endpoint -> assertThat(endpoint.source()).isEqualTo("etcd-members"));
    }

    @Test
    void theNextSyncIsOneSyncIntervalLater() throws Exception {
        FakeHttpServer member = server();
        member.route(PATH, memberList(member("1", "m1", member.baseUrl())));

        try (EndpointDiscovery discovery = discovery(member.authority())) {
            discovery.start(delivered::add);

            assertThat(scheduler.nextDelay()).contains(SYNC_INTERVAL);
        }
    }

    @Test
    void anAddedMemberGetsTrafficOnceStartedAndARemovedOneNoMore() throws Exception {
        FakeHttpServer member = server();
        List<FakeHttpServer.Answer> answers = List.of(
                memberList(member("1", "m1", member.baseUrl()), member("2", "m2", OTHER_MEMBER)),
                // etcdctl member add: listed, but without client URLs until it starts.
                memberList(member("1", "m1", member.baseUrl()), member("2", "m2", OTHER_MEMBER), notStarted("3")),
                memberList(member("1", "m1", member.baseUrl()), member("2", "m2", OTHER_MEMBER), member("3", "m3", THIRD_MEMBER)),
                // etcdctl member remove 2
                memberList(member("1", "m1", member.baseUrl()), member("3", "m3", THIRD_MEMBER)));
        AtomicInteger request = new AtomicInteger();
        member.route(PATH, ignored -> answers.get(Math.min(request.getAndIncrement(), answers.size() - 1)));

        try (EndpointDiscovery discovery = discovery(member.authority()); LogCapture log = LogCapture.of(EtcdMembersDiscovery.class)) {
            discovery.start(delivered::add);
            scheduler.runNext();
            assertThat(delivered).hasSize(1);
            assertThat(log.messages()).contains("discovery etcd-members: member(s) [3] get no traffic until they have started"
                    + " and are not learners");

            scheduler.runNext();
            scheduler.runNext();
        }

        assertThat(delivered).containsExactly(
                endpoints(member.baseUrl(), OTHER_MEMBER),
                endpoints(member.baseUrl(), OTHER_MEMBER, THIRD_MEMBER),
                endpoints(member.baseUrl(), THIRD_MEMBER));
    }

    @Test
    void aFailedOrBadAnswerKeepsTheLastSetAndIsTriedAgainNextSync() throws Exception {
        FakeHttpServer member = server();
        List<FakeHttpServer.Answer> answers = List.of(
                memberList(member("1", "m1", member.baseUrl())),
                FakeHttpServer.Answer.status(503, "{\"error\":\"etcdserver: leader changed\",\"message\":\"etcdserver: leader changed\",\"code\":14}"),
                FakeHttpServer.Answer.json("{\"members\":[{\"ID\":\"1\""),
                memberList(),
                memberList(notStarted("1")));
        AtomicInteger request = new AtomicInteger();
        member.route(PATH, ignored -> answers.get(Math.min(request.getAndIncrement(), answers.size() - 1)));

        try (EndpointDiscovery discovery = discovery(member.authority())) {
            discovery.start(delivered::add);
            LogCapture log = LogCapture.of(RefreshingDiscovery.class);
            resources.add(log);
            for (int sync = 1; sync < answers.size(); sync++) {
                scheduler.runNext();
                assertThat(scheduler.nextDelay()).contains(SYNC_INTERVAL);
            }

            assertThat(log.messages()).hasSize(4).allSatisfy(line -> assertThat(line)
                    .startsWith("discovery etcd-members: looking up the member list of the cluster at " + member.authority()
                            + " failed: no member list from any of 1 endpoint(s): " + member.authority() + ": ")
                    .endsWith("; keeping the last 1 endpoint(s), next try in 30s"));
            assertThat(log.messages().get(0)).contains("answered status 503 (etcdserver: leader changed)");
            assertThat(log.messages().get(1)).contains("answered with a body that is not JSON (at line 1, column 22): {\"members\":[{\"ID\":\"1\"");
            assertThat(log.messages().get(2)).contains("the list has 0 member(s) and none serves clients");
            assertThat(log.messages().get(3)).contains("the list has 1 member(s) and none serves clients");
        }
        assertThat(delivered).containsExactly(endpoints(member.baseUrl()));
    }

    @Test
    void theMemberThatAnsweredLastIsAskedFirstAndAnotherTakesOverWhenItFails() throws Exception {
        FakeHttpServer first = server();
        FakeHttpServer second = server();
        FakeHttpServer.Answer both = memberList(member("1", "m1", first.baseUrl()), member("2", "m2", second.baseUrl()));
        first.route(PATH, both);
        second.route(PATH, both);
        String refused = refusedAuthority();

        try (EndpointDiscovery discovery = discovery(refused + "," + first.authority() + "," + second.authority());
                LogCapture log = LogCapture.of(EtcdMembersDiscovery.class)) {
            discovery.start(delivered::add);
            scheduler.runNext();
            assertThat(first.requestsFor(PATH)).isEqualTo(2);
            assertThat(second.requestsFor(PATH)).isZero();
            assertThat(log.messages()).containsExactly("discovery etcd-members: member list from " + first.uri(PATH)
                    + " (cluster ff): 2 member(s), 2 endpoint(s); asked before it, in vain: " + refused + ": connection refused");

            first.route(PATH, FakeHttpServer.Answer.status(500, ""));
            scheduler.runNext();

            assertThat(second.requestsFor(PATH)).isEqualTo(1);
            assertThat(log.messages()).hasSize(2);
            assertThat(log.messages().get(1)).startsWith("discovery etcd-members: member list from " + second.uri(PATH)
                    + " (cluster ff): 2 member(s), 2 endpoint(s); asked before it, in vain: " + first.authority() + ": ");
        }
        assertThat(delivered).containsExactly(endpoints(first.baseUrl(), second.baseUrl()));
    }

    @Test
    void whenNoKnownMemberAnswersTheSeedsAreAskedAgain() throws Exception {
        // The seed is not a member itself, as a load balancer's address would be.
        FakeHttpServer seed = server();
        FakeHttpServer member = server();
        FakeHttpServer.Answer list = memberList(member("1", "m1", member.baseUrl()));
        seed.route(PATH, list);
        member.route(PATH, list);

        try (EndpointDiscovery discovery = discovery(seed.authority())) {
            discovery.start(delivered::add);
            scheduler.runNext();
            assertThat(seed.requestsFor(PATH)).isEqualTo(1);
            assertThat(member.requestsFor(PATH)).isEqualTo(1);

            member.route(PATH, FakeHttpServer.Answer.status(500, ""));
            scheduler.runNext();

            assertThat(seed.requestsFor(PATH)).isEqualTo(2);
            assertThat(member.requestsFor(PATH)).isEqualTo(2);
        }
        assertThat(delivered).containsExactly(endpoints(member.baseUrl()));
    }

    @Test
    void startFailsNamingEveryEndpointAskedAndWhy() throws Exception {
        String refused = refusedAuthority();
        FakeHttpServer notEtcd = server();

        try (EndpointDiscovery discovery = discovery(refused + "," + notEtcd.authority())) {
            assertThatThrownBy(() -> discovery.start(delivered::add))
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessage("discovery etcd-members: no endpoints from the member list of the cluster at " + refused + ", "
                            + notEtcd.authority() + ": no member list from any of 2 endpoint(s): " + refused
                            + ": connection refused; " + notEtcd.authority() + ": POST " + notEtcd.uri(PATH)
                            + " answered status 404: no route for " + PATH);
        }
        assertThat(delivered).isEmpty();
    }

    @Test
    void aSeedThatDoesNotAnswerWithinTheRequestTimeoutIsPassedOver() throws Exception {
        FakeHttpServer member = server();
        member.route(PATH, memberList(member("1", "m1", member.baseUrl())));
        // Connections are accepted into the backlog; nobody ever answers.
        ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        resources.add(silent);
        String silentAuthority = "127.0.0.1:" + silent.getLocalPort();

        try (EndpointDiscovery discovery = discovery(List.of(silentAuthority, member.authority()), "200ms");
                LogCapture log = LogCapture.of(EtcdMembersDiscovery.class)) {
            discovery.start(delivered::add);

            assertThat(log.messages()).singleElement().asString().endsWith(silentAuthority + ": no answer within 200ms");
        }
        assertThat(delivered).containsExactly(endpoints(member.baseUrl()));
    }

    @Test
    void secureEndpointsAreAskedOverHttps() {
        assertThat(EtcdMembersDiscovery.memberListUri(Endpoint.parse("https://etcd-0.example.com:2379", "test")))
                .hasToString("https://etcd-0.example.com:2379/v3/cluster/member/list");
        assertThat(EtcdMembersDiscovery.memberListUri(Endpoint.parse("[::1]:2379", "test")))
                .hasToString("http://[::1]:2379/v3/cluster/member/list");
    }

    private EndpointDiscovery discovery(String seeds) throws Exception {
        return discovery(List.of(seeds.split(",")), "2s");
    }

    private EndpointDiscovery discovery(List<String> seeds, String requestTimeout) throws Exception {
        EtcdMembersDiscoveryProvider provider = new EtcdMembersDiscoveryProvider();
        String path = "gateway.discovery.etcd-members";
        var config = ConfigFactory.parseString(path + " { seed = static, endpoints = \"" + String.join(",", seeds)
                + "\", sync-interval = " + SYNC_INTERVAL.toSeconds() + "s, request-timeout = " + requestTimeout + " }");
        return provider.newDiscovery(provider.parseSettings(SettingsReader.of(config, path)), scheduler.context());
    }

    private FakeHttpServer server() {
        FakeHttpServer server = FakeHttpServer.start();
        resources.add(server);
        return server;
    }

    private static String refusedAuthority() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static List<Endpoint> endpoints(String... urls) {
        return List.of(urls).stream().map(url -> Endpoint.parse(url, "etcd-members")).toList();
    }
}
