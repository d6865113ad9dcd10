package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.etcdgateway.it.Dnsmasq.HostRecord;
import org.etcdgateway.it.Dnsmasq.SrvRecord;
import org.etcdgateway.it.TestCertificates.Authority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --trusted-ca-file} with {@code --discovery-srv}: each {@code _etcd-client-ssl} target is
 * checked with a real TLS handshake against the CA, its name verified, before the gateway sends
 * clients to it. Three one-member etcd clusters serve client TLS, each with a certificate made by
 * the test: one from the trusted CA for its target's name, one from another CA, one from the
 * trusted CA for another name. The SRV records name all three by names only the test's DNS
 * server knows, all at 127.0.0.1: the check connects to the address resolved there and verifies
 * the certificate against the name.
 */
@Timeout(180)
class SrvTlsDiscoveryTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();

    private static final String PROBE_KEY = "it/dns-srv-tls/probe";
    /** Enough sessions under round robin that each of three endpoints would serve two if it were used. */
    private static final int SESSIONS = 6;
    /** Where the members listen. */
    private static final String MEMBER_ADDRESS = "127.0.0.1";
    private static final String GOOD_NAME = "good." + Dnsmasq.DOMAIN;
    private static final String OTHER_CA_NAME = "other-ca." + Dnsmasq.DOMAIN;
    private static final String OTHER_NAME_NAME = "other-name." + Dnsmasq.DOMAIN;

    @TempDir
    static Path certificatesDirectory;
    @TempDir
    Path directory;

    private static Authority trusted;
    private static TlsEtcd good;
    private static TlsEtcd otherCa;
    private static TlsEtcd otherName;

    @BeforeAll
    static void startEtcdWithThreeCertificates() {
        TestCertificates certificates = TestCertificates.in(certificatesDirectory);
        trusted = certificates.authority("trusted-ca");
        Authority other = certificates.authority("other-ca");
        // Names, not the address: a check that verified the address would refuse the good one.
        // localhost too, for the gateway's clients, which dial it by that name.
        good = TlsEtcd.start("good", certificates.server("good", trusted, "DNS:" + GOOD_NAME + ",DNS:localhost"));
        otherCa = TlsEtcd.start("other-ca", certificates.server("by-other-ca", other, "DNS:" + OTHER_CA_NAME + ",DNS:localhost"));
        otherName = TlsEtcd.start("other-name", certificates.server("other-name", trusted, "DNS:elsewhere.test"));
        DIAGNOSTICS.forClass("etcd with client TLS", () -> String.join("\n",
                "---- " + good + " ----", good.logTail(),
                "---- " + otherCa + " ----", otherCa.logTail(),
                "---- " + otherName + " ----", otherName.logTail()));
    }

    @AfterAll
    static void stopEtcd() {
        for (TlsEtcd etcd : new TlsEtcd[] {good, otherCa, otherName}) {
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    private static List<SrvRecord> recordsOfAllThree() {
        return List.of(SrvRecord.secure(GOOD_NAME, good.clientPort()), SrvRecord.secure(OTHER_CA_NAME, otherCa.clientPort()),
                SrvRecord.secure(OTHER_NAME_NAME, otherName.clientPort()));
    }

    private static List<HostRecord> hostsOfAllThree() {
        return List.of(new HostRecord(GOOD_NAME, MEMBER_ADDRESS), new HostRecord(OTHER_CA_NAME, MEMBER_ADDRESS),
                new HostRecord(OTHER_NAME_NAME, MEMBER_ADDRESS));
    }

    @Test
    void onlyTheTargetWhoseCertificateChainsToTheTrustedCaAndNamesItIsUsed() {
        try (Dnsmasq dns = startDns();
                GatewayProcess gateway = startGateway(dns, "--trusted-ca-file", trusted.certificate().toString())) {
            Etcdctl etcdctl = Etcdctl.at("https://localhost:" + gateway.port());

            // The client does not check certificates here, so that a session forwarded to a refused
            // member would succeed and show that member's ID rather than fail.
            assertThat(servingMembers(etcdctl)).containsOnly(good.memberId());
            // A client that does check, with the same CA, is served end to end.
            CommandResult put = etcdctl.run("--cacert", trusted.certificate().toString(), "put", PROBE_KEY, "verified");
            assertThat(put.succeeded()).as(put::describe).isTrue();
            assertThat(gateway.output())
                    .contains("discovery dns-srv: leaving out " + OTHER_CA_NAME + ":" + otherCa.clientPort() + " (" + MEMBER_ADDRESS
                            + ") of _etcd-client-ssl._tcp." + Dnsmasq.DOMAIN + ": its TLS check against " + trusted.certificate()
                            + " failed: PKIX path building failed")
                    .contains("discovery dns-srv: leaving out " + OTHER_NAME_NAME + ":" + otherName.clientPort() + " ("
                            + MEMBER_ADDRESS + ") of _etcd-client-ssl._tcp." + Dnsmasq.DOMAIN + ": its TLS check against "
                            + trusted.certificate() + " failed: No subject alternative DNS name matching " + OTHER_NAME_NAME + " found")
                    .contains("discovery dns-srv: 1 endpoint(s) from SRV records")
                    .contains("[" + MEMBER_ADDRESS + ":" + good.clientPort() + "]");
        }
    }

    @Test
    void withoutATrustedCaFileSecureTargetsAreUsedUnchecked() {
        try (Dnsmasq dns = startDns(); GatewayProcess gateway = startGateway(dns)) {
            Etcdctl etcdctl = Etcdctl.at("https://localhost:" + gateway.port());

            List<MemberId> served = servingMembers(etcdctl);

            assertThat(new HashSet<>(served)).as("members that served %d sessions: %s", SESSIONS, served)
                    .containsExactlyInAnyOrder(good.memberId(), otherCa.memberId(), otherName.memberId());
            assertThat(gateway.output()).doesNotContain("leaving out");
        }
    }

    /**
     * The member that served each of {@link #SESSIONS} new TLS sessions through the gateway, the
     * client not checking certificates.
     */
    private static List<MemberId> servingMembers(Etcdctl etcdctl) {
        List<MemberId> served = new ArrayList<>();
        for (int session = 0; session < SESSIONS; session++) {
            CommandResult get = etcdctl.run(TlsEtcd.withoutVerification("get", PROBE_KEY, "-w", "json"));
            assertThat(get.succeeded()).as(get::describe).isTrue();
            served.add(MemberId.findInJson(get.stdout()).orElseThrow(() -> new AssertionError("no member_id:\n" + get.describe())));
        }
        return served;
    }

    private static Dnsmasq startDns() {
        Dnsmasq dns = Dnsmasq.start(SrvGatewayFlags.RECORD_TTL, recordsOfAllThree(), hostsOfAllThree());
        DIAGNOSTICS.forTest("dnsmasq", dns::output);
        return dns;
    }

    /** A round-robin gateway, so that every endpoint it uses gets sessions. */
    private GatewayProcess startGateway(Dnsmasq dns, String... more) {
        List<String> flags = new ArrayList<>(List.of("--policy", "round-robin"));
        flags.addAll(List.of(more));
        GatewayProcess gateway = GatewayProcess.start(List.of(),
                SrvGatewayFlags.forDnsServer(dns.server(), directory, flags.toArray(String[]::new)));
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }
}
