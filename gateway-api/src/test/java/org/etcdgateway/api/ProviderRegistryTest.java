package org.etcdgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;
import org.etcdgateway.api.policy.PolicyRegistry;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    /** A hand-written provider whose name, priority and availability the test chooses. */
    private record FakePolicyProvider(String name, int priority, boolean isAvailable) implements LoadBalancingPolicyProvider<String> {
        @Override
        public String parseSettings(SettingsReader settings) {
            return "";
        }

        @Override
        public LoadBalancingPolicy newPolicy(String settings) {
            return candidates -> candidates.get(0);
        }
    }

    private static final class OtherFakePolicyProvider implements LoadBalancingPolicyProvider<String> {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String parseSettings(SettingsReader settings) {
            return "";
        }

        @Override
        public LoadBalancingPolicy newPolicy(String settings) {
            return candidates -> candidates.get(0);
        }
    }

    @Test
    void anUnknownNameListsTheNamesThereAreAndHowToAddOne() {
        PolicyRegistry registry = new PolicyRegistry(List.of(new FakePolicyProvider("alpha", 5, true),
                new FakePolicyProvider("beta", 5, true)));
        assertThatThrownBy(() -> registry.get("gamma"))
                .isInstanceOf(UnknownProviderException.class)
                .hasMessageContaining("unknown policy \"gamma\"")
                .hasMessageContaining("one of alpha, beta")
                .hasMessageContaining("META-INF/services/org.etcdgateway.api.policy.LoadBalancingPolicyProvider");
    }

    @Test
    void anEmptyRegistrySaysAModuleIsMissing() {
        assertThat(new PolicyRegistry(List.of()).expectedNames()).contains("none is installed").contains("module");
    }

    @Test
    void theHigherPriorityWinsANameAndUnavailableProvidersAreLeftOut() {
        FakePolicyProvider low = new FakePolicyProvider("fake", 5, true);
        FakePolicyProvider high = new FakePolicyProvider("fake", 10, true);
        FakePolicyProvider unavailable = new FakePolicyProvider("fake", 99, false);
        PolicyRegistry registry = new PolicyRegistry(List.of(low, unavailable, high));
        assertThat(registry.get("fake")).isSameAs(high);
        assertThat(registry.providers()).containsExactly(high);
    }

    @Test
    void equalPrioritiesAreSettledByClassNameNotByClasspathOrder() {
        var record = new FakePolicyProvider("fake", 5, true);
        var other = new OtherFakePolicyProvider();
        // ...$FakePolicyProvider sorts before ...$OtherFakePolicyProvider.
        assertThat(new PolicyRegistry(List.of(other, record)).get("fake")).isSameAs(record);
        assertThat(new PolicyRegistry(List.of(record, other)).get("fake")).isSameAs(record);
    }

    @Test
    void aProviderWithAnInvalidNameIsRefusedByName() {
        assertThatThrownBy(() -> new PolicyRegistry(List.of(new FakePolicyProvider("Round_Robin", 5, true))))
                .hasMessageContaining("\"Round_Robin\"")
                .hasMessageContaining(FakePolicyProvider.class.getName());
    }

    @Test
    void namesAreLowerCaseWordsWithHyphens() {
        assertThat(ProviderRegistry.isValidName("pin-highest-port")).isTrue();
        assertThat(ProviderRegistry.isValidName("v2")).isTrue();
        assertThat(ProviderRegistry.isValidName("Pin")).isFalse();
        assertThat(ProviderRegistry.isValidName("2pin")).isFalse();
        assertThat(ProviderRegistry.isValidName("pin_first")).isFalse();
        assertThat(ProviderRegistry.isValidName("")).isFalse();
        assertThat(ProviderRegistry.isValidName(null)).isFalse();
    }

    @Test
    void howToAddOneNamesTheClasspathAndThePluginDirectory() {
        assertThat(new PolicyRegistry(List.of(new FakePolicyProvider("alpha", 5, true))).expectedNames())
                .contains("on the classpath or in the plugin directory (--plugin-dir)");
    }
}
