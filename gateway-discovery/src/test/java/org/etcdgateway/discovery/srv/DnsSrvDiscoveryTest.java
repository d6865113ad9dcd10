package org.etcdgateway.discovery.srv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.discovery.refresh.ManualScheduler;
import org.etcdgateway.discovery.srv.SrvResolver.SrvTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dns-srv discovery over time: when it looks again, what it delivers, what it keeps. */
class DnsSrvDiscoveryTest {

    private static final String SECURE = "_etcd-client-ssl._tcp.example.com";
    private static final String PLAIN = "_etcd-client._tcp.example.com";
    private static final SrvTarget M1 = new SrvTarget("m1.example.com", 2379, 0, 1);
    private static final SrvTarget M2 = new SrvTarget("m2.example.com", 2379, 0, 1);

    private final FakeSrvResolver dns = new FakeSrvResolver();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<List<Endpoint>> delivered = new ArrayList<>();
    private DnsSrvDiscovery discovery;

    private DnsSrvDiscovery start() throws InvalidConfigException, DiscoveryException {
        var settings = DnsSrvDiscoveryProviderTest.parse(
                "gateway.discovery.dns-srv { domain = example.com, min-ttl = 5s, max-ttl = 5m }");
        discovery = new DnsSrvDiscovery(new SrvEndpointLookup(settings, dns, Optional.empty(),
                SrvEndpointLookup.TargetHosts.NAMES), () -> scheduler);
        discovery.start(delivered::add);
        return discovery;
    }

    @AfterEach
    void close() {
        if (discovery != null) {
            discovery.close();
        }
    }

    private static List<String> hosts(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::host).toList();
    }

    @Test
    void deliversTheFirstSetAtStartAndLooksAgainWhenItsTtlRunsOut() throws Exception {
        dns.answer(SECURE, Duration.ofSeconds(30), M1);

        start();

        assertThat(delivered).hasSize(1);
        assertThat(hosts(delivered.get(0))).containsExactly("m1.example.com");
        assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(30));
    }

    @Test
    void aChangedAnswerIsDeliveredAndAnUnchangedOneIsNot() throws Exception {
        dns.answer(SECURE, Duration.ofSeconds(10), M1);
        start();

        scheduler.runNext();
        assertThat(delivered).hasSize(1);

        dns.answer(SECURE, Duration.ofSeconds(20), M1, M2);
        scheduler.runNext();
        assertThat(delivered).hasSize(2);
        assertThat(hosts(delivered.get(1))).containsExactly("m1.example.com", "m2.example.com");
        assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(20));
    }

    @Test
    void aFailedLookupKeepsTheLastGoodSetAndTriesAgainAfterMinTtl() throws Exception {
        dns.answer(SECURE, Duration.ofSeconds(60), M1, M2);
        start();

        dns.fail(PLAIN, "no answer for SRV " + PLAIN + " from DNS server 192.0.2.53:53: timed out");
        scheduler.runNext();

        assertThat(delivered).hasSize(1);
        assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(5));

        dns.noSuchName(PLAIN).answer(SECURE, Duration.ofSeconds(60), M2);
        scheduler.runNext();
        assertThat(delivered).hasSize(2);
        assertThat(hosts(delivered.get(1))).containsExactly("m2.example.com");
    }

    @Test
    void anAnswerWithNothingUsableKeepsTheLastGoodSetToo() throws Exception {
        dns.answer(SECURE, Duration.ofSeconds(60), M1);
        start();

        dns.noSuchName(SECURE).answer(PLAIN, Duration.ofSeconds(60), M2);
        scheduler.runNext();

        assertThat(delivered).hasSize(1);
        assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(5));
    }

    @Test
    void startUpWithoutAnAnswerNamesTheNamesAndTheServers() {
        dns.fail(SECURE, "no answer for SRV " + SECURE + " from DNS server 192.0.2.53:53: timed out");

        assertThatThrownBy(this::start)
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("discovery dns-srv: no endpoints from SRV records " + SECURE + " and " + PLAIN
                        + " at DNS server 192.0.2.53:53: no answer for SRV " + SECURE
                        + " from DNS server 192.0.2.53:53: timed out");
        assertThat(delivered).isEmpty();
    }

    @Test
    void startUpWithoutRecordsSaysSo() {
        assertThatThrownBy(this::start)
                .isInstanceOf(DiscoveryException.class)
                .hasMessageEndingWith(" at DNS server 192.0.2.53:53: neither " + SECURE + " nor " + PLAIN + " has SRV records");
    }

    @Test
    void everyEndpointFailedLooksAgainAtOnce() throws Exception {
        dns.answer(SECURE, Duration.ofMinutes(4), M1);
        start();

        discovery.refresh();

        assertThat(scheduler.nextDelay()).hasValueSatisfying(delay -> assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void nothingIsLookedUpOrDeliveredAfterClose() throws Exception {
        dns.answer(SECURE, Duration.ofSeconds(10), M1);
        start();
        int queries = dns.queried().size();

        discovery.close();

        assertThat(scheduler.nextDelay()).isEmpty();
        assertThat(dns.queried()).hasSize(queries);
    }
}
