package org.etcdgateway.discovery.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.discovery.http.FakeHttpServer;
import org.etcdgateway.discovery.refresh.ManualScheduler;
import org.etcdgateway.discovery.srv.DnsSrvDiscoveryProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EtcdPeersDiscoveryTest {

    private static final String PATH = "gateway.discovery.etcd-peers";

    private final EtcdPeersDiscoveryProvider provider = new EtcdPeersDiscoveryProvider();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<FakeHttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(FakeHttpServer::close);
    }

    /** The merged defaults with {@code overrides} on top, resolved as the gateway resolves them. */
    private static Config config(String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve();
    }

    private EtcdPeersDiscoveryProvider.Settings parse(String overrides) throws InvalidConfigException {
        return provider.parseSettings(SettingsReader.of(config(overrides), PATH));
    }

    @Test
    void peerUrlsComeFromTheFirstSourceSetInEtcdsOrder() throws InvalidConfigException {
        String all = """
                gateway.discovery.discovery-url.url = "http://127.0.0.1:4001/v2/keys/_etcd/registry/token"
                gateway.discovery.dns-srv.domain = example.test
                gateway.discovery.etcd-peers.initial-cluster = "a=http://10.0.0.1:2380"
                """;
        assertThat(parse(all).source()).isInstanceOf(EtcdPeersDiscoveryProvider.DiscoveryUrl.class);

        String withoutUrl = all.lines().skip(1).reduce("", (text, line) -> text + line + "\n");
        var srv = parse(withoutUrl).source();
        assertThat(srv).isInstanceOf(EtcdPeersDiscoveryProvider.ServerRecords.class);
        DnsSrvDiscoveryProvider.Settings records = ((EtcdPeersDiscoveryProvider.ServerRecords) srv).settings();
        assertThat(records.secureRecordName()).isEqualTo("_etcd-server-ssl._tcp.example.test");
        assertThat(records.plainRecordName()).isEqualTo("_etcd-server._tcp.example.test");

        assertThat(parse("gateway.discovery.etcd-peers.initial-cluster = \"a=http://10.0.0.1:2380\"").source())
                .isEqualTo(new EtcdPeersDiscoveryProvider.PeerUrls(List.of("http://10.0.0.1:2380"), "initial-cluster"));

        assertThat(parse("").source()).isEqualTo(new EtcdPeersDiscoveryProvider.PeerUrls(
                List.of("http://localhost:2380", "http://localhost:7001"), "default-peer-urls"));
    }

    @Test
    void readsEtcdsInitialClusterSpelling() {
        assertThat(EtcdPeersDiscoveryProvider.parseInitialCluster(
                "infra0=http://10.0.1.10:2380,infra1=http://10.0.1.11:2380,infra1=https://10.0.1.11:2381"))
                .containsExactly("http://10.0.1.10:2380", "http://10.0.1.11:2380", "https://10.0.1.11:2381");
        assertThat(EtcdPeersDiscoveryProvider.parseInitialCluster("http://10.0.1.10:2380")).isEmpty();
        assertThat(EtcdPeersDiscoveryProvider.parseInitialCluster("a=10.0.1.10:2380")).isEmpty();
        assertThat(EtcdPeersDiscoveryProvider.parseInitialCluster("a=http://10.0.1.10:2380,")).isEmpty();
    }

    @Test
    void badSourcesAreNamedUnderThisProvidersPath() {
        assertThatThrownBy(() -> parse("gateway.discovery.etcd-peers.initial-cluster = \"infra0\""))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(error -> error.path()).containsExactly(PATH + ".initial-cluster"));
        assertThatThrownBy(() -> parse("gateway.discovery.discovery-url.url = \"ftp://x/y\""))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(error -> error.path()).containsExactly(PATH + ".discovery-url.url"));
    }

    @Test
    void clientUrlsComeFromThePeersMembersAndAreReadAgainEachRefresh() throws Exception {
        FakeHttpServer peer = FakeHttpServer.start();
        servers.add(peer);
        peer.route("/members", FakeHttpServer.Answer.json("""
                [{"id":1,"name":"a","peerURLs":["%s"],"clientURLs":["http://127.0.0.1:12379"]},
                 {"id":2,"name":"b","peerURLs":["http://127.0.0.1:1"],"clientURLs":["https://127.0.0.1:22379"]}]
                """.formatted(peer.baseUrl())).withHeader("X-Etcd-Cluster-ID", "cafe"));
        var settings = parse("gateway.discovery.etcd-peers { initial-cluster = \"a=" + peer.baseUrl() + "\", refresh-interval = 7s }");

        List<List<Endpoint>> delivered = new ArrayList<>();
        try (EndpointDiscovery discovery = provider.newDiscovery(settings, scheduler.context())) {
            discovery.start(delivered::add);
            assertThat(delivered).hasSize(1);
            assertThat(delivered.get(0)).containsExactly(
                    Endpoint.of("127.0.0.1", 12379, "etcd-peers"),
                    new Endpoint("127.0.0.1", 22379, true, 0, 1, "etcd-peers"));
            assertThat(scheduler.nextDelay()).contains(java.time.Duration.ofSeconds(7));

            // A refresh that fails keeps the set.
            peer.route("/members", FakeHttpServer.Answer.status(500, "down"));
            scheduler.runNext();
            assertThat(delivered).hasSize(1);
            assertThat(peer.requestsFor("/members")).isEqualTo(2);
        }
    }

    @Test
    void noPeerAnsweringAtStartIsAStartupError() throws Exception {
        var settings = parse("gateway.discovery.etcd-peers.initial-cluster = \"a=http://127.0.0.1:1\"");
        try (EndpointDiscovery discovery = provider.newDiscovery(settings, scheduler.context())) {
            assertThatThrownBy(() -> discovery.start(endpoints -> { }))
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("discovery etcd-peers")
                    .hasMessageContaining("http://127.0.0.1:1");
        }
    }
}
