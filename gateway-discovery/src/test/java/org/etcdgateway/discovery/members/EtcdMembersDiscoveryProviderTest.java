package org.etcdgateway.discovery.members;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryRegistry;
import org.junit.jupiter.api.Test;

class EtcdMembersDiscoveryProviderTest {

    private static final String PATH = "gateway.discovery.etcd-members";

    private final EtcdMembersDiscoveryProvider provider = new EtcdMembersDiscoveryProvider();

    @Test
    void isFoundByTheServiceLoaderAndByDefaultSeedsFromTheStaticEndpoints() throws InvalidConfigException {
        assertThat(new DiscoveryRegistry(getClass().getClassLoader()).names()).contains("etcd-members");

        EtcdMembersDiscoveryProvider.Settings settings = provider.parseSettings(SettingsReader.of(ConfigFactory.defaultReference(), PATH));

        assertThat(settings.seed()).isEqualTo(new EtcdMembersDiscoveryProvider.StaticSeed(
                List.of(Endpoint.of("127.0.0.1", 2379, "etcd-members"))));
        assertThat(settings.syncInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theStaticEndpointsFlagSetsTheSeedsToo() throws InvalidConfigException {
        // reference.conf says etcd-members.endpoints = ${gateway.discovery.static.endpoints}: resolved with what was given.
        var config = ConfigFactory.parseString("gateway.discovery.static.endpoints = \"10.0.0.1:2379,https://10.0.0.2:2379\"")
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();

        EtcdMembersDiscoveryProvider.Settings settings = provider.parseSettings(SettingsReader.of(config, PATH));

        assertThat(settings.seed()).isInstanceOfSatisfying(EtcdMembersDiscoveryProvider.StaticSeed.class, seed ->
                assertThat(seed.endpoints()).extracting(Endpoint::authority, Endpoint::secure)
                        .containsExactly(tuple("10.0.0.1:2379", false),
                                tuple("10.0.0.2:2379", true)));
    }

    @Test
    void reportsEveryBadValueAtOnce() {
        assertThatThrownBy(() -> parse("seed = dns, sync-interval = -1s, request-timeout = soon"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path, ConfigError::value)
                        .containsExactlyInAnyOrder(
                                tuple(PATH + ".seed", "dns"),
                                tuple(PATH + ".sync-interval", "-1s"),
                                tuple(PATH + ".request-timeout", "soon")))
                .hasMessageContaining("(expected: static or dns-srv)");
    }

    @Test
    void badSeedEndpointsAreReportedByNameWithTheOtherErrors() {
        assertThatThrownBy(() -> parse("endpoints = \"10.0.0.1,10.0.0.2:2379,ftp://10.0.0.3:21\", sync-interval = 0s"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path, ConfigError::value)
                        .containsExactly(
                                tuple(PATH + ".sync-interval", "0s"),
                                tuple(PATH + ".endpoints", "10.0.0.1"),
                                tuple(PATH + ".endpoints", "ftp://10.0.0.3:21")));
    }

    @Test
    void aDnsSrvSeedIsReadWithTheDnsSrvProvidersRulesUnderItsOwnPath() throws InvalidConfigException {
        EtcdMembersDiscoveryProvider.Settings settings = parse("seed = dns-srv, dns-srv.domain = example.com");

        assertThat(settings.seed()).isInstanceOfSatisfying(EtcdMembersDiscoveryProvider.DnsSrvSeed.class, seed ->
                assertThat(seed.settings().secureRecordName()).isEqualTo("_etcd-client-ssl._tcp.example.com"));
    }

    @Test
    void aDnsSrvSeedsErrorsComeWithTheProvidersOwn() {
        assertThatThrownBy(() -> parse("seed = dns-srv, dns-srv.domain = \"\", sync-interval = never"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactly(PATH + ".sync-interval", PATH + ".dns-srv.domain"));
    }

    @Test
    void aDnsSrvSeedThatIsNotAnObjectIsAnError() {
        assertThatThrownBy(() -> parse("seed = dns-srv, dns-srv = example.com"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path, ConfigError::value)
                        .containsExactly(tuple(PATH + ".dns-srv", "\"example.com\"")));
    }

    private EtcdMembersDiscoveryProvider.Settings parse(String settings) throws InvalidConfigException {
        var config = ConfigFactory.parseString(PATH + " { " + settings + " }").withFallback(ConfigFactory.defaultReference());
        return provider.parseSettings(SettingsReader.of(config, PATH));
    }
}
