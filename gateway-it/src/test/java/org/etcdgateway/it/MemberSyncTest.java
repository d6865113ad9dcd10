package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.etcdgateway.it.Dnsmasq.SrvRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --member-sync}: the gateway reads the cluster's member list every sync interval, so a
 * member added with {@code etcdctl member add} gets traffic, and a removed one none, without a
 * restart. Each test has a cluster of its own, since two of them change its membership.
 */
@Timeout(180)
class MemberSyncTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();

    private static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
    /** A change shows at the next sync, at most one interval later; the rest is slack for a busy machine. */
    private static final Duration CHANGE_SEEN_WITHIN = SYNC_INTERVAL.plusSeconds(5);

    @Test
    void aMemberAddedWithEtcdctlGetsNewConnectionsWithoutARestart() {
        try (EtcdCluster cluster = startCluster();
                GatewayProcess gateway = startGateway(List.of("--endpoints", cluster.clientEndpoint(0)))) {
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            List<MemberId> before = Sessions.servingMembers(etcdctl, 6);
            assertThat(new HashSet<>(before)).as("seeded with member 0 only, the gateway serves from all three: %s", before)
                    .containsExactlyInAnyOrderElementsOf(cluster.memberIds());

            int added = cluster.addMember();

            MemberId addedId = cluster.memberId(added);
            Poll.until("the added member " + addedId + " to serve a new session through the gateway", CHANGE_SEEN_WITHIN,
                    () -> etcdctl.servingMember().filter(addedId::equals));
            List<MemberId> after = Sessions.servingMembers(etcdctl, 8);
            assertThat(new HashSet<>(after)).as("members that served 8 sessions round robin after the add: %s", after)
                    .containsExactlyInAnyOrderElementsOf(cluster.memberIds());
            assertThat(gateway.output()).contains("discovery etcd-members: endpoints changed, now [",
                    "added [" + cluster.clientEndpoint(added) + "], removed []");
        }
    }

    @Test
    void aRemovedMemberGetsNoNewConnections() {
        try (EtcdCluster cluster = startCluster();
                GatewayProcess gateway = startGateway(List.of("--endpoints", cluster.endpointsFlag()))) {
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            String removedEndpoint = cluster.clientEndpoint(2);
            MemberId removedId = cluster.memberId(2);

            cluster.removeMember(2);

            Poll.untilTrue("the gateway to take the removed member " + removedEndpoint + " out of its endpoints",
                    CHANGE_SEEN_WITHIN, () -> gateway.output().contains("removed [" + removedEndpoint + "]"));
            int mentionsBefore = mentions(gateway.output(), removedEndpoint);
            List<MemberId> served = Sessions.writesWithoutErrors(etcdctl, "it/member-sync/removed/", 8);

            assertThat(served).as("members that served 8 sessions after the remove").doesNotContain(removedId);
            assertThat(new HashSet<>(served)).containsExactlyInAnyOrderElementsOf(cluster.memberIds());
            // Not even dialled: a dial to the stopped member would have failed, and the gateway logs failed dials.
            assertThat(mentions(gateway.output(), removedEndpoint)).as("log lines naming %s", removedEndpoint)
                    .isEqualTo(mentionsBefore);
        }
    }

    @Test
    void seedsFromSrvRecordsLeadToTheWholeCluster() {
        try (EtcdCluster cluster = startCluster();
                Dnsmasq dns = Dnsmasq.start(Duration.ofSeconds(60), List.of(SrvRecord.plain("localhost", cluster.clientPort(0))));
                GatewayProcess gateway = startGateway(List.of("--discovery-srv", Dnsmasq.DOMAIN,
                        "--discovery-dns-server", dns.server(), "--insecure-discovery"))) {
            assertThat(ReadyLine.endpoints(gateway)).as("the endpoints on the ready line, from the member list")
                    .containsExactlyInAnyOrderElementsOf(cluster.clientEndpoints());
            List<MemberId> served = Sessions.servingMembers(Etcdctl.at(gateway.listenAddress()), 6);
            assertThat(new HashSet<>(served)).as("members that served 6 sessions round robin: %s", served)
                    .containsExactlyInAnyOrderElementsOf(cluster.memberIds());
        }
    }

    private static EtcdCluster startCluster() {
        EtcdCluster cluster = EtcdCluster.start(3);
        DIAGNOSTICS.forTest("etcd cluster", cluster::logTails);
        return cluster;
    }

    /** A gateway with member sync every second, seeded by {@code seedFlags}, round robin so that every member is seen. */
    private static GatewayProcess startGateway(List<String> seedFlags) {
        List<String> flags = new ArrayList<>(List.of(
                "--member-sync",
                "--sync-interval", SYNC_INTERVAL.toSeconds() + "s",
                "--listen-addr", "127.0.0.1:0",
                "--policy", "round-robin",
                "--dial-timeout", GatewayFlags.DIAL_TIMEOUT.toSeconds() + "s",
                "--retry-delay", GatewayFlags.RETRY_DELAY.toSeconds() + "s"));
        flags.addAll(seedFlags);
        GatewayProcess gateway = GatewayProcess.start(List.of(), flags);
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }

    private static int mentions(String text, String word) {
        return text.split(Pattern.quote(word), -1).length - 1;
    }
}
