package org.etcdgateway.discovery.members;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.discovery.http.BadAnswerException;
import org.junit.jupiter.api.Test;

class MemberListTest {

    private static final String REQUEST = "POST http://127.0.0.1:2379/v3/cluster/member/list";

    /** What etcd 3.4.23 answered with one voting member, one added but not started, one started learner. */
    private static final String ETCD_ANSWER = """
            {"header":{"cluster_id":"15875391935852295136","member_id":"7383792418829112008","raft_term":"2"},
             "members":[
              {"ID":"7383792418829112008","name":"p0","peerURLs":["http://127.0.0.1:42380"],
               "clientURLs":["http://127.0.0.1:42379","https://[::1]:42379"]},
              {"ID":"7557679326364476359","peerURLs":["http://127.0.0.1:42382"]},
              {"ID":"1234","name":"l1","peerURLs":["http://127.0.0.1:42384"],"clientURLs":["http://127.0.0.1:42383"],
               "isLearner":true}]}
            """;

    @Test
    void readsEtcdsAnswerAndKeepsOnlyMembersThatServeClients() throws Exception {
        MemberList list = MemberList.fromJson(json(ETCD_ANSWER), REQUEST);

        assertThat(list.members()).hasSize(3);
        assertThat(list.clusterIdHex()).isEqualTo("dc50b8daae93b3e0");
        assertThat(list.members()).extracting(MemberList.Member::servesClients).containsExactly(true, false, false);
        MemberList.Endpoints endpoints = list.endpoints("etcd-members");
        assertThat(endpoints.endpoints()).containsExactly(
                new Endpoint("127.0.0.1", 42379, false, 0, 1, "etcd-members"),
                new Endpoint("::1", 42379, true, 0, 1, "etcd-members"));
        assertThat(endpoints.skipped()).isEmpty();
    }

    @Test
    void aListWithoutMembersHasNoEndpoints() throws Exception {
        // proto3 JSON leaves empty lists out.
        MemberList list = MemberList.fromJson(json("{\"header\":{\"cluster_id\":\"1\"}}"), REQUEST);

        assertThat(list.members()).isEmpty();
        assertThat(list.endpoints("etcd-members").endpoints()).isEmpty();
    }

    @Test
    void clientUrlsThatAreNotHostAndPortAreSkippedAndSaid() throws Exception {
        MemberList list = MemberList.fromJson(json("""
                {"members":[{"ID":"1","name":"m1","clientURLs":["unix://localhost:2379","http://10.0.0.1:2379"]}]}
                """), REQUEST);

        MemberList.Endpoints endpoints = list.endpoints("etcd-members");

        assertThat(endpoints.endpoints()).extracting(Endpoint::authority).containsExactly("10.0.0.1:2379");
        assertThat(endpoints.skipped()).singleElement().asString()
                .contains("unix://localhost:2379").contains("of member m1");
    }

    @Test
    void answersOfTheWrongShapeAreBadAnswersSayingWhatIsWrong() {
        assertThatThrownBy(() -> MemberList.fromJson(json("[1,2]"), REQUEST))
                .isInstanceOf(BadAnswerException.class)
                .hasMessage(REQUEST + " answered array instead of a member list object");
        assertThatThrownBy(() -> MemberList.fromJson(json("{\"members\":{}}"), REQUEST))
                .hasMessage(REQUEST + " answered \"members\" as object instead of a list");
        assertThatThrownBy(() -> MemberList.fromJson(json("{\"members\":[{\"ID\":\"7\",\"clientURLs\":\"http://a:1\"}]}"), REQUEST))
                .hasMessage(REQUEST + " answered the clientURLs of member 7 as string instead of a list");
        assertThatThrownBy(() -> MemberList.fromJson(json("{\"members\":[{\"ID\":\"7\",\"clientURLs\":[7]}]}"), REQUEST))
                .hasMessage(REQUEST + " answered a client URL of member 7 that is number instead of a string");
    }

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }
}
