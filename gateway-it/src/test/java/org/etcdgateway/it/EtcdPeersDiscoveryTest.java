package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code etcd-peers} provider, the discovery the v2 proxy uses: given only the cluster's peer
 * URLs (etcd's {@code --initial-cluster}), the gateway learns the members' client URLs from a real
 * cluster's {@code GET /members} and forwards to them.
 */
@Timeout(120)
class EtcdPeersDiscoveryTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    @TempDir
    Path directory;

    @Test
    void theInitialClustersPeerUrlsLeadToTheMembersClientUrls() throws IOException {
        EtcdCluster cluster = CLUSTER.cluster();
        String initialCluster = IntStream.range(0, cluster.size())
                .mapToObj(index -> cluster.name(index) + "=" + cluster.peerUrl(index))
                .collect(Collectors.joining(","));
        Path config = Files.writeString(directory.resolve("gateway.conf"), """
                gateway.discovery.provider = etcd-peers
                gateway.discovery.etcd-peers.initial-cluster = "%s"
                """.formatted(initialCluster));

        List<String> flags = new ArrayList<>(List.of("--config", config.toString(), "--listen-addr", "127.0.0.1:0"));
        try (GatewayProcess gateway = GatewayProcess.start(List.of(), flags)) {
            DIAGNOSTICS.forTest("gateway", gateway::output);
            assertThat(ReadyLine.endpoints(gateway)).as("the endpoints on the ready line")
                    .containsExactlyInAnyOrderElementsOf(cluster.clientEndpoints());
            assertThat(gateway.output()).contains("discovery etcd-peers: members from peer http://");

            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            CommandResult put = etcdctl.run("put", "it/etcd-peers", "found through the peers");
            assertThat(put.succeeded()).as(put::describe).isTrue();
            assertThat(etcdctl.run("get", "it/etcd-peers", "--print-value-only").stdout().strip())
                    .isEqualTo("found through the peers");
        }
    }
}
