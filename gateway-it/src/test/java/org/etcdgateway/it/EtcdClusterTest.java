package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harness against etcd itself, no gateway: if these fail, the gateway tests mean nothing.
 */
@Timeout(120)
class EtcdClusterTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    @Test
    void everyMemberHasItsOwnIdAsEtcdListsIt() {
        assertThat(new HashSet<>(CLUSTER.cluster().memberIds())).hasSize(3);
        CommandResult list = Etcdctl.at(CLUSTER.cluster().clientEndpoint(0)).run("member", "list", "-w", "json");
        assertThat(list.succeeded()).as(list::describe).isTrue();
        for (MemberId id : CLUSTER.cluster().memberIds()) {
            assertThat(list.stdout()).contains("\"ID\":" + Long.toUnsignedString(id.value()));
        }
        CommandResult table = Etcdctl.at(CLUSTER.cluster().clientEndpoint(0)).run("member", "list");
        assertThat(table.stdout()).as("etcdctl's table prints IDs in hex").contains(CLUSTER.cluster().memberId(1).toString());
    }

    @Test
    void etcdctlTellsWhichMemberServedARequest() {
        for (int index = 0; index < CLUSTER.cluster().size(); index++) {
            assertThat(Etcdctl.at(CLUSTER.cluster().clientEndpoint(index)).requireServingMember())
                    .as("the member at %s", CLUSTER.cluster().clientEndpoint(index))
                    .isEqualTo(CLUSTER.cluster().memberId(index));
        }
    }

    @Test
    void killedMemberComesBackWithItsDataAndId() {
        Etcdctl first = Etcdctl.at(CLUSTER.cluster().clientEndpoint(0));
        CommandResult put = first.run("put", "it/harness/restart", "kept");
        assertThat(put.succeeded()).as(put::describe).isTrue();

        CLUSTER.cluster().kill(1);
        assertThat(CLUSTER.cluster().isRunning(1)).isFalse();
        assertThatThrownBy(() -> connect(CLUSTER.cluster().clientPort(1)))
                .as("nothing listens on a killed member's port")
                .isInstanceOf(ConnectException.class);
        CLUSTER.cluster().awaitHealthy();
        assertThat(first.run("put", "it/harness/restart", "written-while-down").succeeded())
                .as("two of three members keep a quorum")
                .isTrue();

        CLUSTER.cluster().restart(1);
        CLUSTER.cluster().awaitHealthy();
        Etcdctl restarted = Etcdctl.at(CLUSTER.cluster().clientEndpoint(1));
        assertThat(restarted.requireServingMember()).isEqualTo(CLUSTER.cluster().memberId(1));
        CommandResult get = restarted.run("get", "it/harness/restart", "--print-value-only");
        assertThat(get.stdout()).as(get::describe).isEqualTo("written-while-down\n");
    }

    @Test
    void jetcdTalksToAMemberDirectly() throws Exception {
        try (Client client = Client.builder().endpoints("http://" + CLUSTER.cluster().clientEndpoint(2)).build()) {
            ByteSequence key = ByteSequence.from("it/harness/jetcd", StandardCharsets.UTF_8);
            client.getKVClient().put(key, ByteSequence.from("direct", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            GetResponse response = client.getKVClient().get(key).get(10, TimeUnit.SECONDS);
            assertThat(response.getKvs()).hasSize(1);
            assertThat(response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("direct");
            assertThat(new MemberId(response.getHeader().getMemberId())).isEqualTo(CLUSTER.cluster().memberId(2));
        }
    }

    @Test
    void missingEtcdBinaryFailsWithWhatToInstall() {
        assertThatThrownBy(() -> EtcdCluster.start("/nonexistent/etcd", 3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/etcd")
                .hasMessageContaining("etcd-server");
    }

    @Test
    void memberIdsReadTheSameInHexAndDecimal() {
        MemberId id = MemberId.parseDecimal("11490618726533230342");
        assertThat(id).isEqualTo(MemberId.parseHex("9f76e0da1476ef06"));
        assertThat(id.toString()).isEqualTo("9f76e0da1476ef06");
        assertThat(MemberId.findInJson("{\"header\":{\"cluster_id\":1,\"member_id\":11490618726533230342}}"))
                .contains(id);
        assertThat(MemberId.findInJson("{\"header\":{\"member_id\":\"11490618726533230342\"}}"))
                .as("the HTTP gateway writes 64-bit numbers as strings")
                .contains(id);
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }
}
