package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.etcdgateway.it.Dnsmasq.HostRecord;
import org.etcdgateway.it.Dnsmasq.SrvRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --discovery-srv}: the gateway finds the members in SRV records served by a real DNS
 * server (dnsmasq on loopback), forwards to them, and follows the records when they change.
 * Targets are names only that server knows ({@code m1.example.test}, ...), each with an A record
 * for 127.0.0.1, where the members listen: the gateway must resolve them there, as the system's
 * resolver cannot.
 */
@Timeout(120)
class DnsSrvDiscoveryTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final int EXIT_START_FAILED = 1;
    /** A refusal takes one JVM start and one lookup; a gateway still running after this has accepted what it should not. */
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);
    /** One TTL until the next lookup, then slack for a busy machine and etcdctl's own start. */
    private static final Duration CHANGE_TIMEOUT = SrvGatewayFlags.RECORD_TTL.plusSeconds(10);
    /** Where every member listens, and so what every member's name is in DNS. */
    private static final String MEMBER_ADDRESS = "127.0.0.1";
    /** The address records of the members' names, m1 to m3. */
    private static final List<HostRecord> MEMBER_HOSTS = IntStream.range(0, 3)
            .mapToObj(member -> new HostRecord(nameOf(member), MEMBER_ADDRESS))
            .toList();

    @TempDir
    Path directory;

    /** {@code m1.example.test} for member 0, and so on. */
    private static String nameOf(int member) {
        return "m" + (member + 1) + "." + Dnsmasq.DOMAIN;
    }

    private static SrvRecord plainRecordOf(int member) {
        return SrvRecord.plain(nameOf(member), CLUSTER.cluster().clientPort(member));
    }

    @Test
    void forwardsToTheMemberTheRecordsNameAtTheAddressTheDnsServerGivesIt() {
        // Else the gateway could have resolved the name with the system's resolver.
        assertThatThrownBy(() -> InetAddress.getByName(nameOf(0)))
                .as("the system's resolver must not know %s for this test to show anything", nameOf(0))
                .isInstanceOf(UnknownHostException.class);
        int port = CLUSTER.cluster().clientPort(0);
        try (Dnsmasq dns = startDns(List.of(plainRecordOf(0)));
                GatewayProcess gateway = startGateway(dns, "--insecure-discovery")) {
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());

            assertThat(etcdctl.run("put", "it/dns-srv/key", "through SRV").succeeded()).isTrue();
            CommandResult get = etcdctl.run("get", "it/dns-srv/key", "--print-value-only");
            assertThat(get.stdout()).as(get::describe).isEqualTo("through SRV\n");
            assertThat(Sessions.servingMembers(etcdctl, 3)).containsOnly(CLUSTER.cluster().memberId(0));
            assertThat(gateway.output())
                    .contains("discovery dns-srv: target addresses from DNS server " + dns.server() + ": "
                            + nameOf(0) + ":" + port + " (" + MEMBER_ADDRESS + ")")
                    .contains("discovery dns-srv: 1 endpoint(s) from SRV records _etcd-client-ssl._tcp."
                            + Dnsmasq.DOMAIN + " and _etcd-client._tcp." + Dnsmasq.DOMAIN + " at DNS server " + dns.server()
                            + ": [" + MEMBER_ADDRESS + ":" + port + "]");
        }
    }

    @Test
    void aTargetWhoseNameTheDnsServerDoesNotKnowIsLeftOut() {
        SrvRecord unknown = SrvRecord.plain("nowhere." + Dnsmasq.DOMAIN, CLUSTER.cluster().clientPort(1));
        try (Dnsmasq dns = startDns(List.of(plainRecordOf(0), unknown));
                GatewayProcess gateway = startGateway(dns, "--insecure-discovery")) {

            assertThat(Sessions.servingMembers(Etcdctl.at(gateway.listenAddress()), 3)).containsOnly(CLUSTER.cluster().memberId(0));
            assertThat(gateway.output())
                    .contains("discovery dns-srv: leaving out nowhere." + Dnsmasq.DOMAIN + ":" + CLUSTER.cluster().clientPort(1)
                            + " of _etcd-client._tcp." + Dnsmasq.DOMAIN + ": its name has no A or AAAA record at DNS server "
                            + dns.server())
                    .contains("discovery dns-srv: 1 endpoint(s) from SRV records");
        }
    }

    @Test
    void followsChangedRecordsWithoutARestart() {
        try (Dnsmasq dns = startDns(List.of(plainRecordOf(0)));
                GatewayProcess gateway = startGateway(dns, "--insecure-discovery", "--policy", "round-robin")) {
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            assertThat(Sessions.servingMembers(etcdctl, 2)).containsOnly(CLUSTER.cluster().memberId(0));

            dns.restartWith(List.of(plainRecordOf(1), plainRecordOf(2)), MEMBER_HOSTS);

            Poll.until("a new session to be served by a member of the new records", CHANGE_TIMEOUT,
                    () -> etcdctl.servingMember().filter(member -> !member.equals(CLUSTER.cluster().memberId(0))));
            List<MemberId> served = Sessions.servingMembers(etcdctl, 6);
            assertThat(new HashSet<>(served)).as("members that served 6 sessions after the change: %s", served)
                    .containsExactlyInAnyOrder(CLUSTER.cluster().memberId(1), CLUSTER.cluster().memberId(2));
            assertThat(gateway.output()).contains("discovery dns-srv: endpoints changed");
            assertThat(gateway.isAlive()).isTrue();
        }
    }

    @Test
    void aServiceNameChoosesItsOwnRecords() {
        SrvRecord prod = new SrvRecord("_etcd-client-prod._tcp." + Dnsmasq.DOMAIN, nameOf(2),
                CLUSTER.cluster().clientPort(2), 0, 1);
        try (Dnsmasq dns = startDns(List.of(plainRecordOf(0), prod));
                GatewayProcess gateway = startGateway(dns, "--insecure-discovery", "--discovery-srv-name", "prod")) {

            assertThat(Sessions.servingMembers(Etcdctl.at(gateway.listenAddress()), 3)).containsOnly(CLUSTER.cluster().memberId(2));
        }
    }

    @Test
    void plainTargetsAreDroppedWithoutInsecureDiscovery() {
        try (Dnsmasq dns = startDns(List.of(plainRecordOf(0)))) {
            CommandResult result = refused(dns.server());

            String target = nameOf(0) + ":" + CLUSTER.cluster().clientPort(0);
            assertThat(result.stderr()).as(result::describe)
                    .contains("etcd-gateway: cannot start: discovery dns-srv: no endpoints from SRV records")
                    .contains("no usable target: plain target(s) " + target + ", dropped without --insecure-discovery")
                    .contains("discovery dns-srv: dropping 1 plain target(s) of _etcd-client._tcp." + Dnsmasq.DOMAIN + ": " + target);
        }
    }

    @Test
    void noTargetWithAnAddressIsAStartUpErrorSayingSo() {
        try (Dnsmasq dns = Dnsmasq.start(SrvGatewayFlags.RECORD_TTL, List.of(plainRecordOf(0)), List.of())) {
            DIAGNOSTICS.forTest("dnsmasq", dns::output);

            CommandResult result = refused(dns.server(), "--insecure-discovery");

            assertThat(result.stderr()).as(result::describe)
                    .contains("etcd-gateway: cannot start: discovery dns-srv: no endpoints from SRV records")
                    .contains("no usable target: target(s) whose name has no A or AAAA record at DNS server " + dns.server()
                            + ": " + nameOf(0) + ":" + CLUSTER.cluster().clientPort(0) + " of _etcd-client._tcp." + Dnsmasq.DOMAIN);
        }
    }

    @Test
    void noRecordsAtAllIsAStartUpErrorNamingTheNamesAndTheServer() {
        try (Dnsmasq dns = startDns(List.of())) {
            CommandResult result = refused(dns.server(), "--insecure-discovery");

            assertThat(result.stderr()).as(result::describe).contains("etcd-gateway: cannot start: discovery dns-srv: no endpoints"
                    + " from SRV records _etcd-client-ssl._tcp." + Dnsmasq.DOMAIN + " and _etcd-client._tcp." + Dnsmasq.DOMAIN
                    + " at DNS server " + dns.server() + ": neither _etcd-client-ssl._tcp." + Dnsmasq.DOMAIN
                    + " nor _etcd-client._tcp." + Dnsmasq.DOMAIN + " has SRV records");
        }
    }

    @Test
    void aDnsServerThatDoesNotAnswerIsAStartUpError() {
        String nobody = "127.0.0.1:" + FreePorts.one();

        CommandResult result = refused(nobody, "--insecure-discovery");

        assertThat(result.stderr()).as(result::describe)
                .contains("etcd-gateway: cannot start: discovery dns-srv: no endpoints from SRV records")
                .contains("no answer for SRV _etcd-client-ssl._tcp." + Dnsmasq.DOMAIN + " from DNS server " + nobody);
    }

    /** dnsmasq with {@code records} and the members' names. */
    private Dnsmasq startDns(List<SrvRecord> records) {
        Dnsmasq dns = Dnsmasq.start(SrvGatewayFlags.RECORD_TTL, records, MEMBER_HOSTS);
        DIAGNOSTICS.forTest("dnsmasq", dns::output);
        return dns;
    }

    private GatewayProcess startGateway(Dnsmasq dns, String... more) {
        GatewayProcess gateway = GatewayProcess.start(List.of(), SrvGatewayFlags.forDnsServer(dns.server(), directory, more));
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }

    /** Runs the gateway until it exits and checks that it refused to start, as a start-up failure, with one message. */
    private CommandResult refused(String dnsServer, String... more) {
        CommandResult result = GatewayProcess.runUntilExit(SrvGatewayFlags.forDnsServer(dnsServer, directory, more), EXIT_TIMEOUT);
        assertThat(result.timedOut()).as(() -> "the gateway started instead of refusing:\n" + result.describe()).isFalse();
        assertThat(result.exitCode()).as(() -> "exit code when no endpoint can be found:\n" + result.describe())
                .isEqualTo(EXIT_START_FAILED);
        assertThat(result.stderr()).as(result::describe).doesNotContain("\tat ");
        return result;
    }
}
