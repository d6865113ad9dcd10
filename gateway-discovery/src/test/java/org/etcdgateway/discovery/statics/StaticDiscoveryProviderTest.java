package org.etcdgateway.discovery.statics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryRegistry;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.junit.jupiter.api.Test;

class StaticDiscoveryProviderTest {

    private final StaticDiscoveryProvider provider = new StaticDiscoveryProvider();

    private StaticDiscoveryProvider.Settings parse(String endpoints) throws InvalidConfigException {
        var config = ConfigFactory.parseString("gateway.discovery.static.endpoints = \"" + endpoints + "\"");
        return provider.parseSettings(SettingsReader.of(config, "gateway.discovery.static"));
    }

    @Test
    void isFoundByTheServiceLoaderWithItsDefaults() throws InvalidConfigException {
        var registry = new DiscoveryRegistry(getClass().getClassLoader());
        assertThat(registry.names()).contains("static");
        var settings = provider.parseSettings(SettingsReader.of(ConfigFactory.defaultReference(), "gateway.discovery.static"));
        assertThat(settings.endpoints()).containsExactly(Endpoint.of("127.0.0.1", 2379, "static"));
    }

    @Test
    void deliversTheListedEndpointsInOrderWithoutDuplicates() throws Exception {
        var settings = parse("http://10.0.0.2:2379, 10.0.0.1:2379,[::1]:2379,http://10.0.0.2:2379");
        List<List<Endpoint>> delivered = new ArrayList<>();
        try (EndpointDiscovery discovery = provider.newDiscovery(settings, null)) {
            discovery.start(delivered::add);
        }
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0)).extracting(Endpoint::authority)
                .containsExactly("10.0.0.2:2379", "10.0.0.1:2379", "[::1]:2379");
    }

    @Test
    void reportsEveryBadEndpointByName() {
        assertThatThrownBy(() -> parse("10.0.0.1,10.0.0.2:2379,10.0.0.3:x"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::value).containsExactly("10.0.0.1", "10.0.0.3:x"));
    }

    @Test
    void anEmptyListIsAnError() {
        var config = ConfigFactory.parseString("gateway.discovery.static.endpoints = []");
        assertThatThrownBy(() -> provider.parseSettings(SettingsReader.of(config, "gateway.discovery.static")))
                .hasMessageContaining("at least one endpoint");
    }
}
