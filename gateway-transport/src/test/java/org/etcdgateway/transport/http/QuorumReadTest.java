package org.etcdgateway.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which GETs etcd puts through its raft log, as the proxy tells them: {@code quorum} read as Go's {@code strconv.ParseBool}. */
class QuorumReadTest {

    @Test
    void aQuorumGetIsOneWhoseQuorumParameterIsTrueAsGoReadsIt() {
        for (String uri : List.of("/v2/keys/a?quorum=true", "/v2/keys/a?recursive=true&quorum=1", "/v2/keys/a?quorum=t",
                "/v2/keys/a?quorum=T", "/v2/keys/a?quorum=TRUE", "/v2/keys/a?quorum=True", "/v2/keys/a?quorum=true&quorum=false")) {
            assertThat(HttpProxy.asksForQuorum(uri)).as(uri).isTrue();
        }
    }

    @Test
    void anyOtherGetIsNot() {
        for (String uri : List.of("/v2/keys/a", "/v2/keys/quorum", "/v2/keys/a?quorum=false", "/v2/keys/a?quorum=",
                "/v2/keys/a?quorum", "/v2/keys/a?quorum=yes", "/v2/keys/a?quorums=true", "/v2/keys/a?quorum=false&quorum=true",
                "/v2/keys/a?wait=true")) {
            assertThat(HttpProxy.asksForQuorum(uri)).as(uri).isFalse();
        }
    }
}
