package org.etcdgateway.discovery.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryRegistry;
import org.junit.jupiter.api.Test;

class DiscoveryUrlDiscoveryProviderTest {

    private static final String PATH = "gateway.discovery.discovery-url";
    private static final String EXPECTED_URL =
            "an http:// or https:// URL with a host and the token's path, as in https://discovery.etcd.io/<token>";

    private final DiscoveryUrlDiscoveryProvider provider = new DiscoveryUrlDiscoveryProvider();

    @Test
    void isFoundByTheServiceLoaderAndReadsAUrlWithTheDefaults() throws InvalidConfigException {
        assertThat(new DiscoveryRegistry(getClass().getClassLoader()).names()).contains("discovery-url");

        DiscoveryUrlDiscoveryProvider.Settings settings = parse("url = \"https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579cbf573de/\"");

        assertThat(settings).isEqualTo(new DiscoveryUrlDiscoveryProvider.Settings(
                URI.create("https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579cbf573de"),
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(2)));
    }

    @Test
    void aWaitTimeoutOfZeroMeansForEver() throws InvalidConfigException {
        assertThat(parse("url = \"http://127.0.0.1:2379/v2/keys/_etcd/registry/token\", wait-timeout = 0").waitTimeout()).isZero();
    }

    @Test
    void theDefaultEmptyUrlIsAnError() {
        assertThatThrownBy(() -> parse(""))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path, ConfigError::value, ConfigError::expected)
                        .containsExactly(tuple(PATH + ".url", "", EXPECTED_URL)));
    }

    @Test
    void urlsThatAreNotDiscoveryUrlsAreErrors() {
        for (String url : new String[] {"discovery.etcd.io/token", "ftp://discovery.etcd.io/token", "https:///token",
                "https://discovery.etcd.io", "https://discovery.etcd.io/", "https://discovery.etcd.io/token?x=1",
                "https://user@discovery.etcd.io/token", "http://[::1/token"}) {
            assertThatThrownBy(() -> parse("url = \"" + url + "\"")).as(url)
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                            .extracting(ConfigError::value).containsExactly(url));
        }
    }

    @Test
    void reportsEveryBadValueAtOnce() {
        assertThatThrownBy(() -> parse("url = \"ftp://x/y\", poll-interval = 0s, wait-timeout = -1s, refresh-interval = often,"
                + " request-timeout = []"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactly(PATH + ".url", PATH + ".poll-interval", PATH + ".wait-timeout", PATH + ".refresh-interval",
                                PATH + ".request-timeout"));
    }

    private DiscoveryUrlDiscoveryProvider.Settings parse(String settings) throws InvalidConfigException {
        var config = ConfigFactory.parseString(PATH + " { " + settings + " }").withFallback(ConfigFactory.defaultReference());
        return provider.parseSettings(SettingsReader.of(config, PATH));
    }
}
