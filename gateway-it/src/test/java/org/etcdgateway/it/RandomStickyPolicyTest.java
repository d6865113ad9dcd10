package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --policy random-sticky}, etcd 3.4's behaviour: one member at random takes every new
 * connection until a dial to it fails.
 */
@Timeout(120)
class RandomStickyPolicyTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    @Test
    void newConnectionsStickToOneMember() {
        try (GatewayProcess gateway = startGateway()) {
            List<MemberId> served = Sessions.servingMembers(Etcdctl.at(gateway.listenAddress()), 10);

            assertThat(new HashSet<>(served)).as("members that served 10 new sessions: %s", served).hasSize(1);
        }
    }

    @Test
    void killedStickyMemberCostsClientsNothingAndAnotherOneTakesOver() {
        try (GatewayProcess gateway = startGateway()) {
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            List<MemberId> before = Sessions.servingMembers(etcdctl, 3);
            assertThat(new HashSet<>(before)).as("members that served 3 sessions: %s", before).hasSize(1);
            MemberId sticky = before.get(0);

            CLUSTER.cluster().kill(CLUSTER.cluster().indexOf(sticky));
            CLUSTER.cluster().awaitHealthy();
            List<MemberId> after = Sessions.writesWithoutErrors(etcdctl, "it/random-sticky/killed/", 50);

            assertThat(new HashSet<>(after)).as("members that served 50 sessions after %s was killed: %s", sticky, after)
                    .hasSize(1)
                    .doesNotContain(sticky);
            assertThat(gateway.isAlive()).isTrue();
        }
    }

    private static GatewayProcess startGateway() {
        GatewayProcess gateway = GatewayProcess.start(List.of(), GatewayFlags.forCluster(CLUSTER.cluster(), "--policy", "random-sticky"));
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }
}
