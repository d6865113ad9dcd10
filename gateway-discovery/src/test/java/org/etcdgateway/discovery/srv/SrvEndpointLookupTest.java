package org.etcdgateway.discovery.srv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.discovery.refresh.LogCapture;
import org.etcdgateway.discovery.refresh.RefreshingDiscovery;
import org.etcdgateway.discovery.srv.SrvEndpointLookup.TargetHosts;
import org.etcdgateway.discovery.srv.SrvResolver.SrvTarget;
import org.junit.jupiter.api.Test;

class SrvEndpointLookupTest {

    private static final String SECURE = "_etcd-client-ssl._tcp.example.com";
    private static final String PLAIN = "_etcd-client._tcp.example.com";
    private static final Duration TTL = Duration.ofSeconds(30);

    private final FakeSrvResolver dns = new FakeSrvResolver();

    private static DnsSrvDiscoveryProvider.Settings settings(String more) throws InvalidConfigException {
        return DnsSrvDiscoveryProviderTest.parse("gateway.discovery.dns-srv { domain = example.com, min-ttl = 5s, max-ttl = 5m, "
                + more + " }");
    }

    /** A lookup whose endpoints name their targets, as with the system's resolvers. */
    private SrvEndpointLookup lookup(String more) throws InvalidConfigException {
        return new SrvEndpointLookup(settings(more), dns, Optional.empty(), TargetHosts.NAMES);
    }

    /** A lookup whose endpoints are at their targets' addresses, as with DNS servers of its own. */
    private SrvEndpointLookup resolving(String more, Optional<TlsCheck> tlsCheck) throws InvalidConfigException {
        return new SrvEndpointLookup(settings("dns-servers = [\"192.0.2.53\"], " + more), dns, tlsCheck, TargetHosts.ADDRESSES);
    }

    private static SrvTarget target(String host, int port) {
        return new SrvTarget(host, port, 0, 10);
    }

    @Test
    void asksBothNamesSecureFirst() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379));

        lookup("").lookup();

        // And no addresses: the names are resolved when dialled.
        assertThat(dns.queried()).containsExactly(SECURE, PLAIN);
    }

    @Test
    void asksTheNamesOfTheServiceName() throws Exception {
        dns.answer("_etcd-client-ssl-prod._tcp.example.com", TTL, target("m1.example.com", 2379));

        RefreshingDiscovery.Lookup found = lookup("service-name = prod").lookup();

        assertThat(dns.queried()).containsExactly("_etcd-client-ssl-prod._tcp.example.com", "_etcd-client-prod._tcp.example.com");
        assertThat(found.endpoints()).extracting(Endpoint::authority).containsExactly("m1.example.com:2379");
    }

    @Test
    void carriesPriorityAndWeightIntoTheEndpoints() throws Exception {
        dns.answer(SECURE, TTL, new SrvTarget("m1.example.com", 2379, 10, 60), new SrvTarget("m2.example.com", 2380, 20, 5));

        List<Endpoint> endpoints = lookup("").lookup().endpoints();

        assertThat(endpoints).containsExactly(
                new Endpoint("m1.example.com", 2379, true, 10, 60, "dns-srv"),
                new Endpoint("m2.example.com", 2380, true, 20, 5, "dns-srv"));
    }

    @Test
    void weightZeroBecomesTheSmallestWeightAnEndpointCanHave() throws Exception {
        dns.answer(SECURE, TTL, new SrvTarget("m1.example.com", 2379, 0, 0));

        assertThat(lookup("").lookup().endpoints()).singleElement().extracting(Endpoint::weight).isEqualTo(1);
    }

    @Test
    void ordersEndpointsSoThatAReorderedAnswerIsTheSameSet() throws Exception {
        SrvEndpointLookup lookup = lookup("");
        dns.answer(SECURE, TTL, target("m2.example.com", 2379), target("m1.example.com", 2379), new SrvTarget("m3.example.com", 2379, 1, 1));
        List<Endpoint> first = lookup.lookup().endpoints();
        dns.answer(SECURE, TTL, new SrvTarget("m3.example.com", 2379, 1, 1), target("m1.example.com", 2379), target("m2.example.com", 2379));

        List<Endpoint> second = lookup.lookup().endpoints();

        assertThat(second).isEqualTo(first);
        assertThat(first).extracting(Endpoint::host).containsExactly("m1.example.com", "m2.example.com", "m3.example.com");
    }

    @Test
    void plainTargetsAreDroppedAndLoggedOncePerChange() throws Exception {
        SrvEndpointLookup lookup = lookup("");
        dns.answer(SECURE, TTL, target("m1.example.com", 2379)).answer(PLAIN, TTL, target("m2.example.com", 2379));

        try (LogCapture log = LogCapture.of(SrvEndpointLookup.class)) {
            List<Endpoint> endpoints = lookup.lookup().endpoints();
            lookup.lookup();
            dns.answer(PLAIN, TTL, target("m2.example.com", 2379), target("m3.example.com", 2379));
            lookup.lookup();

            assertThat(endpoints).extracting(Endpoint::authority).containsExactly("m1.example.com:2379");
            assertThat(log.messages()).containsExactly(
                    "discovery dns-srv: dropping 1 plain target(s) of " + PLAIN + ": m2.example.com:2379; plain targets are used"
                            + " only with --insecure-discovery (gateway.discovery.dns-srv.insecure = true)",
                    "discovery dns-srv: dropping 2 plain target(s) of " + PLAIN + ": m2.example.com:2379, m3.example.com:2379;"
                            + " plain targets are used only with --insecure-discovery (gateway.discovery.dns-srv.insecure = true)");
        }
    }

    @Test
    void plainTargetsAreUsedWhenInsecure() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379)).answer(PLAIN, TTL, target("m2.example.com", 2380));

        List<Endpoint> endpoints = lookup("insecure = true").lookup().endpoints();

        assertThat(endpoints).extracting(Endpoint::authority, Endpoint::secure).containsExactly(
                tuple("m1.example.com:2379", true),
                tuple("m2.example.com:2380", false));
    }

    @Test
    void onlyPlainTargetsWithoutInsecureIsNoUsableTargetSayingWhy() throws InvalidConfigException {
        dns.answer(PLAIN, TTL, target("m1.example.com", 2379));

        assertThatThrownBy(() -> lookup("").lookup())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("no usable target")
                .hasMessageContaining("m1.example.com:2379")
                .hasMessageContaining("--insecure-discovery");
    }

    @Test
    void aNameWithoutRecordsIsNormal() throws Exception {
        dns.noSuchName(SECURE).answer(PLAIN, TTL, target("m1.example.com", 2379));

        assertThat(lookup("insecure = true").lookup().endpoints()).extracting(Endpoint::authority).containsExactly("m1.example.com:2379");
    }

    @Test
    void bothNamesWithoutRecordsNamesBoth() throws InvalidConfigException {
        assertThatThrownBy(() -> lookup("").lookup())
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("neither " + SECURE + " nor " + PLAIN + " has SRV records");
    }

    @Test
    void anErrorOnEitherNameFailsTheWholeLookup() throws InvalidConfigException {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379)).fail(PLAIN, "SERVFAIL for SRV " + PLAIN);

        assertThatThrownBy(() -> lookup("").lookup()).isInstanceOf(IOException.class).hasMessageContaining("SERVFAIL");

        dns.answer(PLAIN, TTL, target("m2.example.com", 2379)).fail(SECURE, "timed out");
        assertThatThrownBy(() -> lookup("").lookup()).isInstanceOf(IOException.class).hasMessageContaining("timed out");
    }

    @Test
    void nextLookupIsAtTheLeastTtlOfBothAnswers() throws Exception {
        dns.answer(SECURE, Duration.ofSeconds(40), target("m1.example.com", 2379))
                .answer(PLAIN, Duration.ofSeconds(25), target("m2.example.com", 2379));

        assertThat(lookup("").lookup().nextLookupIn()).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void nextLookupIsNeverSoonerThanMinTtl() throws Exception {
        dns.answer(SECURE, Duration.ZERO, target("m1.example.com", 2379));

        assertThat(lookup("").lookup().nextLookupIn()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void nextLookupIsNeverLaterThanMaxTtl() throws Exception {
        dns.answer(SECURE, Duration.ofDays(1), target("m1.example.com", 2379));

        assertThat(lookup("").lookup().nextLookupIn()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anAnswerWithoutTtlLeavesTheNextLookupToMaxTtl() throws Exception {
        dns.answer(SECURE, Duration.ofDays(1), target("m1.example.com", 2379)).noSuchName(PLAIN);

        assertThat(lookup("").lookup().nextLookupIn()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void withoutACaFileSecureTargetsAreUsedUnchecked() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379));

        assertThat(lookup("").lookup().endpoints()).hasSize(1);
    }

    @Test
    void secureTargetsFailingTheTlsCheckAreLeftOutAndLoggedOncePerChange() throws Exception {
        Map<String, String> failures = new HashMap<>(Map.of("m2.example.com", "PKIX path building failed"));
        List<String> checked = new ArrayList<>();
        TlsCheck check = (name, address) -> {
            checked.add(name + " at " + address);
            if (failures.containsKey(name)) {
                throw new IOException(failures.get(name));
            }
        };
        SrvEndpointLookup lookup = new SrvEndpointLookup(settings(""), dns, Optional.of(check), TargetHosts.NAMES);
        dns.answer(SECURE, TTL, target("m1.example.com", 2379), target("m2.example.com", 2379));

        try (LogCapture log = LogCapture.of(SrvEndpointLookup.class)) {
            List<Endpoint> first = lookup.lookup().endpoints();
            lookup.lookup();
            failures.clear();
            List<Endpoint> afterFix = lookup.lookup().endpoints();

            // Unresolved: the check resolves the name with the system's resolvers, as dialling it would.
            assertThat(checked).containsExactly("m1.example.com at m1.example.com/<unresolved>:2379",
                    "m2.example.com at m2.example.com/<unresolved>:2379", "m1.example.com at m1.example.com/<unresolved>:2379",
                    "m2.example.com at m2.example.com/<unresolved>:2379", "m1.example.com at m1.example.com/<unresolved>:2379",
                    "m2.example.com at m2.example.com/<unresolved>:2379");
            assertThat(first).extracting(Endpoint::authority).containsExactly("m1.example.com:2379");
            assertThat(afterFix).extracting(Endpoint::authority).containsExactly("m1.example.com:2379", "m2.example.com:2379");
            assertThat(log.messages()).hasSize(2);
            assertThat(log.messages().get(0)).startsWith("discovery dns-srv: leaving out m2.example.com:2379 of " + SECURE)
                    .endsWith("failed: PKIX path building failed");
            assertThat(log.messages().get(1)).startsWith("discovery dns-srv: m2.example.com:2379 passes its TLS check");
        }
    }

    @Test
    void everySecureTargetFailingTheTlsCheckIsNoUsableTargetSayingWhy() throws InvalidConfigException {
        TlsCheck check = (name, address) -> {
            throw new IOException("No subject alternative DNS name matching " + name + " found.");
        };
        SrvEndpointLookup lookup = new SrvEndpointLookup(settings(""), dns, Optional.of(check), TargetHosts.NAMES);
        dns.answer(SECURE, TTL, target("m1.example.com", 2379));

        assertThatThrownBy(lookup::lookup)
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("m1.example.com:2379 (No subject alternative DNS name matching m1.example.com found.)");
    }

    @Test
    void withDnsServersOfItsOwnATargetIsDialledAtTheAddressItsNameHasThere() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379), target("m2.example.com", 2380))
                .addresses("m1.example.com", TTL, "10.0.0.1")
                .addresses("m2.example.com", TTL, "2001:db8::2");

        List<Endpoint> endpoints = resolving("", Optional.empty()).lookup().endpoints();

        assertThat(endpoints).containsExactly(
                new Endpoint("10.0.0.1", 2379, true, 0, 10, "dns-srv"),
                new Endpoint("2001:db8::2", 2380, true, 0, 10, "dns-srv"));
        // AAAA only for the name without A records.
        assertThat(dns.queried()).containsExactly(SECURE, PLAIN, "A m1.example.com", "A m2.example.com", "AAAA m2.example.com");
    }

    @Test
    void aNameWithSeveralAddressesIsOneEndpointAtItsLeastIpv4Address() throws Exception {
        SrvEndpointLookup lookup = resolving("", Optional.empty());
        dns.answer(SECURE, TTL, target("m1.example.com", 2379)).addresses("m1.example.com", TTL, "2001:db8::1", "10.0.0.9", "10.0.0.3");
        List<Endpoint> first = lookup.lookup().endpoints();
        dns.addresses("m1.example.com", TTL, "10.0.0.3", "2001:db8::1", "10.0.0.9");

        List<Endpoint> rotated = lookup.lookup().endpoints();

        assertThat(first).extracting(Endpoint::authority).containsExactly("10.0.0.3:2379");
        assertThat(rotated).isEqualTo(first);
    }

    @Test
    void addressesInTheAdditionalSectionAreUsedWithoutAsking() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379))
                .additional(SECURE, "M1.Example.COM", TTL, "10.0.0.1")
                .addresses("m1.example.com", TTL, "10.0.0.99");

        List<Endpoint> endpoints = resolving("", Optional.empty()).lookup().endpoints();

        assertThat(endpoints).extracting(Endpoint::authority).containsExactly("10.0.0.1:2379");
        assertThat(dns.queried()).containsExactly(SECURE, PLAIN);
    }

    @Test
    void anAdditionalSectionWithOnlyIpv6AddressesLeavesTheIpv4OnesToBeAskedFor() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379))
                .additional(SECURE, "m1.example.com", TTL, "2001:db8::1")
                .addresses("m1.example.com", TTL, "10.0.0.1");

        List<Endpoint> endpoints = resolving("", Optional.empty()).lookup().endpoints();

        assertThat(endpoints).extracting(Endpoint::authority).containsExactly("10.0.0.1:2379");
        assertThat(dns.queried()).containsExactly(SECURE, PLAIN, "A m1.example.com");
    }

    @Test
    void theAddressRecordsTtlsCountForTheNextLookup() throws Exception {
        dns.answer(SECURE, Duration.ofSeconds(60), target("m1.example.com", 2379), target("m2.example.com", 2379))
                .additional(SECURE, "m1.example.com", Duration.ofSeconds(40), "10.0.0.1")
                .addresses("m2.example.com", Duration.ofSeconds(20), "10.0.0.2");

        assertThat(resolving("", Optional.empty()).lookup().nextLookupIn()).isEqualTo(Duration.ofSeconds(20));

        dns.addresses("m2.example.com", Duration.ZERO, "10.0.0.2");
        assertThat(resolving("", Optional.empty()).lookup().nextLookupIn()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aTargetWhoseNameHasNoAddressIsLeftOutAndLoggedOncePerChange() throws Exception {
        SrvEndpointLookup lookup = resolving("insecure = true", Optional.empty());
        dns.answer(SECURE, Duration.ofSeconds(60), target("m1.example.com", 2379), target("m2.example.com", 2379))
                .addresses("m1.example.com", Duration.ofSeconds(60), "10.0.0.1")
                .noAddresses("m2.example.com", Duration.ofSeconds(15));

        try (LogCapture log = LogCapture.of(SrvEndpointLookup.class)) {
            RefreshingDiscovery.Lookup first = lookup.lookup();
            lookup.lookup();
            dns.answer(PLAIN, Duration.ofSeconds(60), target("m3.example.com", 2380));
            lookup.lookup();
            dns.addresses("m2.example.com", Duration.ofSeconds(60), "10.0.0.2");
            List<Endpoint> afterFix = lookup.lookup().endpoints();

            assertThat(first.endpoints()).extracting(Endpoint::authority).containsExactly("10.0.0.1:2379");
            // The negative answer's TTL is when the name may have gained an address.
            assertThat(first.nextLookupIn()).isEqualTo(Duration.ofSeconds(15));
            assertThat(afterFix).extracting(Endpoint::authority).containsExactly("10.0.0.1:2379", "10.0.0.2:2379");
            assertThat(log.messages()).containsExactly(
                    "discovery dns-srv: target addresses from DNS server 192.0.2.53:53: m1.example.com:2379 (10.0.0.1)",
                    "discovery dns-srv: leaving out m2.example.com:2379 of " + SECURE + ": its name has no A or AAAA record"
                            + " at DNS server 192.0.2.53:53",
                    "discovery dns-srv: leaving out m3.example.com:2380 of " + PLAIN + ": its name has no A or AAAA record"
                            + " at DNS server 192.0.2.53:53",
                    "discovery dns-srv: target addresses from DNS server 192.0.2.53:53: m1.example.com:2379 (10.0.0.1),"
                            + " m2.example.com:2379 (10.0.0.2)");
        }
    }

    @Test
    void noTargetWithAnAddressIsNoUsableTargetSayingWhy() throws InvalidConfigException {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379)).answer(PLAIN, TTL, target("m2.example.com", 2379));

        assertThatThrownBy(() -> resolving("", Optional.empty()).lookup())
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("no usable target: target(s) whose name has no A or AAAA record at DNS server 192.0.2.53:53:"
                        + " m1.example.com:2379 of " + SECURE + "; plain target(s) m2.example.com:2379, dropped without"
                        + " --insecure-discovery (gateway.discovery.dns-srv.insecure = true)");
    }

    @Test
    void plainTargetsThatAreDroppedAreNotResolved() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379)).addresses("m1.example.com", TTL, "10.0.0.1")
                .answer(PLAIN, TTL, target("m2.example.com", 2379));

        resolving("", Optional.empty()).lookup();

        assertThat(dns.queried()).containsExactly(SECURE, PLAIN, "A m1.example.com");
    }

    @Test
    void aFailedAddressQueryFailsTheWholeLookup() throws InvalidConfigException {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379), target("m2.example.com", 2379))
                .addresses("m1.example.com", TTL, "10.0.0.1")
                .failAddresses("m2.example.com", "SERVFAIL for A m2.example.com from DNS server 192.0.2.53:53");

        assertThatThrownBy(() -> resolving("", Optional.empty()).lookup())
                .isInstanceOf(IOException.class)
                .hasMessage("SERVFAIL for A m2.example.com from DNS server 192.0.2.53:53");
    }

    @Test
    void twoNamesOfOneAddressAreOneEndpoint() throws Exception {
        dns.answer(SECURE, TTL, target("m1.example.com", 2379), target("alias.example.com", 2379))
                .addresses("m1.example.com", TTL, "10.0.0.1")
                .addresses("alias.example.com", TTL, "10.0.0.1");

        assertThat(resolving("", Optional.empty()).lookup().endpoints()).extracting(Endpoint::authority)
                .containsExactly("10.0.0.1:2379");
    }

    @Test
    void theTlsCheckConnectsToTheAddressAndVerifiesTheName() throws Exception {
        List<String> checked = new ArrayList<>();
        TlsCheck check = (name, address) -> {
            checked.add(name + " at " + address);
            if (name.equals("m2.example.com")) {
                throw new IOException("No subject alternative DNS name matching m2.example.com found.");
            }
        };
        dns.answer(SECURE, TTL, target("m1.example.com", 2379), target("m2.example.com", 2380))
                .addresses("m1.example.com", TTL, "10.0.0.1")
                .addresses("m2.example.com", TTL, "2001:db8::2");

        try (LogCapture log = LogCapture.of(SrvEndpointLookup.class)) {
            List<Endpoint> endpoints = resolving("", Optional.of(check)).lookup().endpoints();

            assertThat(checked).containsExactly("m1.example.com at /10.0.0.1:2379", "m2.example.com at /[2001:db8:0:0:0:0:0:2]:2380");
            assertThat(endpoints).extracting(Endpoint::authority).containsExactly("10.0.0.1:2379");
            assertThat(log.messages()).contains("discovery dns-srv: leaving out m2.example.com:2380 (2001:db8::2) of " + SECURE
                    + ": its TLS check against  failed: No subject alternative DNS name matching m2.example.com found.");
        }
    }

    @Test
    void describesTheNamesAndTheServers() throws InvalidConfigException {
        assertThat(lookup("").describeSource())
                .isEqualTo("SRV records " + SECURE + " and " + PLAIN + " at DNS server 192.0.2.53:53");
    }

    @Test
    void waitsMinTtlAfterAFailure() throws InvalidConfigException {
        assertThat(lookup("min-ttl = 7s").retryDelay()).isEqualTo(Duration.ofSeconds(7));
    }
}
