package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --policy round-robin}: new connections cycle over the members that answer. */
@Timeout(120)
class RoundRobinPolicyTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    /** After a member is healthy again, the gateway needs at most one retry delay to dial it; the rest is slack. */
    private static final Duration BACK_IN_ROTATION_TIMEOUT = GatewayFlags.RETRY_DELAY.plusSeconds(5);

    @Test
    void newConnectionsCycleOverEveryMember() {
        try (GatewayProcess gateway = startGateway()) {
            List<MemberId> served = Sessions.servingMembers(Etcdctl.at(gateway.listenAddress()), 9);

            assertThat(new HashSet<>(served)).as("members that served 9 new sessions: %s", served)
                    .containsExactlyInAnyOrderElementsOf(CLUSTER.cluster().memberIds());
        }
    }

    @Test
    void killedMemberCostsClientsNothing() {
        try (GatewayProcess gateway = startGateway()) {
            CLUSTER.cluster().kill(0);
            CLUSTER.cluster().awaitHealthy();

            List<MemberId> served = Sessions.writesWithoutErrors(Etcdctl.at(gateway.listenAddress()), "it/round-robin/killed/", 50);

            assertThat(new HashSet<>(served)).as("members that served 50 sessions with member 0 dead: %s", served)
                    .containsExactlyInAnyOrder(CLUSTER.cluster().memberId(1), CLUSTER.cluster().memberId(2));
            assertThat(gateway.isAlive()).isTrue();
        }
    }

    @Test
    void restartedMemberReturnsToRotation() {
        try (GatewayProcess gateway = startGateway()) {
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            CLUSTER.cluster().kill(1);
            CLUSTER.cluster().awaitHealthy();
            // Enough sessions for the gateway to have dialled the dead member and taken it out.
            assertThat(Sessions.servingMembers(etcdctl, 6)).doesNotContain(CLUSTER.cluster().memberId(1));

            CLUSTER.cluster().restart(1);
            CLUSTER.cluster().awaitHealthy();

            MemberId returned = Poll.until("member 1 to serve a session through the gateway again", BACK_IN_ROTATION_TIMEOUT,
                    () -> etcdctl.servingMember().filter(CLUSTER.cluster().memberId(1)::equals));
            assertThat(returned).isEqualTo(CLUSTER.cluster().memberId(1));
            List<MemberId> served = Sessions.servingMembers(etcdctl, 6);
            assertThat(new HashSet<>(served)).as("members that served 6 sessions after the restart: %s", served)
                    .containsExactlyInAnyOrderElementsOf(CLUSTER.cluster().memberIds());
        }
    }

    private static GatewayProcess startGateway() {
        GatewayProcess gateway = GatewayProcess.start(List.of(), GatewayFlags.forCluster(CLUSTER.cluster(), "--policy", "round-robin"));
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }
}
