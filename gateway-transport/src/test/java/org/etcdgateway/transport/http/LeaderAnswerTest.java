package org.etcdgateway.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.junit.jupiter.api.Test;

/** Reading etcd's answer to {@code GET /v2/members/leader}, and finding the leader among the endpoints. */
class LeaderAnswerTest {

    /** etcd 3.4's answer, as a member with --enable-v2 writes it. */
    private static final String ETCD_ANSWER = """
            {"id":"628170c800dbcee","name":"m2","peerURLs":["http://127.0.0.1:32380"],\
            "clientURLs":["http://127.0.0.1:32379","https://etcd-2.example:2379"]}
            """;

    private static final Endpoint FIRST = Endpoint.of("127.0.0.1", 30379, "static");
    private static final Endpoint LEADER = Endpoint.of("127.0.0.1", 32379, "static");

    @Test
    void etcdsAnswerNamesTheLeadersClientUrls() {
        LeaderAnswer answer = LeaderAnswer.read(200, bytes(ETCD_ANSWER));
        assertThat(answer.problem()).isNull();
        assertThat(answer.clientUrls()).containsExactly("http://127.0.0.1:32379", "https://etcd-2.example:2379");
        assertThat(answer.in(List.of(FIRST, LEADER))).contains(LEADER);
    }

    @Test
    void anEndpointMatchesOnSchemeHostAndPort() {
        LeaderAnswer answer = LeaderAnswer.read(200, bytes(ETCD_ANSWER));
        Endpoint secureByName = new Endpoint("ETCD-2.example", 2379, true, 0, 1, "dns-srv");
        Endpoint plainByName = new Endpoint("etcd-2.example", 2379, false, 0, 1, "dns-srv");
        assertThat(answer.in(List.of(plainByName, secureByName))).contains(secureByName);
        assertThat(answer.in(List.of(FIRST, plainByName))).as("a plain endpoint is not the leader's https URL").isEmpty();
    }

    @Test
    void anIpv6ClientUrlMatchesItsEndpoint() {
        LeaderAnswer answer = LeaderAnswer.read(200, bytes("{\"clientURLs\":[\"http://[::1]:2379\"]}"));
        Endpoint ipv6 = Endpoint.parse("[::1]:2379", "static");
        assertThat(answer.in(List.of(FIRST, ipv6))).contains(ipv6);
    }

    @Test
    void duringAnElectionThereIsNoLeader() {
        LeaderAnswer answer = LeaderAnswer.read(503, bytes("{\"message\":\"During election\"}\n"));
        assertThat(answer.clientUrls()).isEmpty();
        assertThat(answer.problem()).isEqualTo("GET /v2/members/leader answered 503: {\"message\":\"During election\"}");
        assertThat(answer.in(List.of(FIRST, LEADER))).isEmpty();
    }

    @Test
    void anAnswerThatIsNotEtcdsNamesNoLeader() {
        for (String body : List.of("", "not json", "[\"http://127.0.0.1:32379\"]", "{\"clientURLs\":[]}",
                "{\"clientURLs\":\"http://127.0.0.1:32379\"}", "{\"clientURLs\":[\"http://127.0.0.1:32379\", 7]}",
                "{\"name\":\"m2\"}", "{\"clientURLs\":[\"http://127.0.0.1:32379\"")) {
            LeaderAnswer answer = LeaderAnswer.read(200, bytes(body));
            assertThat(answer.clientUrls()).as(body).isEmpty();
            assertThat(answer.problem()).as(body).startsWith("GET /v2/members/leader answered 200 without the leader's client URLs");
        }
    }

    @Test
    void aClientUrlThatIsNoEndpointIsSkipped() {
        LeaderAnswer answer = LeaderAnswer.read(200, bytes("{\"clientURLs\":[\"unix:///run/etcd.sock\",\"http://127.0.0.1:32379\"]}"));
        assertThat(answer.in(List.of(FIRST, LEADER))).contains(LEADER);
    }

    @Test
    void aFailureSaysWhy() {
        LeaderAnswer answer = LeaderAnswer.failed("connection refused");
        assertThat(answer.clientUrls()).isEmpty();
        assertThat(answer.problem()).isEqualTo("GET /v2/members/leader failed: connection refused");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
