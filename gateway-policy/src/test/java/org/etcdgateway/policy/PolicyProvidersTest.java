package org.etcdgateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.policy.PolicyRegistry;
import org.junit.jupiter.api.Test;

class PolicyProvidersTest {

    private final PolicyRegistry registry = new PolicyRegistry(getClass().getClassLoader());

    @Test
    void theServiceLoaderFindsEveryPolicyOfThisModule() {
        assertThat(registry.names()).containsExactly("random-sticky", "round-robin", "weighted-round-robin");
    }

    @Test
    void everyPolicyAcceptsItsDefaultsAndRejectsAnUnknownSetting() throws InvalidConfigException {
        var defaults = ConfigFactory.defaultReference();
        for (var provider : registry.providers()) {
            String path = "gateway.policy." + provider.name();
            assertThat(provider.parseSettings(SettingsReader.of(defaults, path))).isNotNull();
            var withExtra = ConfigFactory.parseString(path + ".speed = 11").withFallback(defaults);
            assertThatThrownBy(() -> provider.parseSettings(SettingsReader.of(withExtra, path)))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining(path + ".speed")
                    .hasMessageContaining("takes none");
        }
    }
}
