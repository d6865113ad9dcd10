package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.etcdgateway.api.policy.PolicyRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classpath's providers and the plugin directory's, in one registry per SPI. */
class InstalledProvidersTest {

    @TempDir
    Path directory;

    private PluginDirectory plugins = PluginDirectory.NONE;

    @AfterEach
    void closeClassLoaders() {
        plugins.close();
    }

    private InstalledProviders.Result load() {
        plugins = PluginDirectory.load(directory, "--plugin-dir", PluginDirectory.apiClassLoader());
        assertThat(plugins.errors()).isEmpty();
        return InstalledProviders.load(getClass().getClassLoader(), plugins.jars());
    }

    @Test
    void withoutPluginsTheRegistriesAreTheClasspaths() {
        InstalledProviders.Result result = InstalledProviders.load(getClass().getClassLoader(), plugins.jars());

        assertThat(result.errors()).isEmpty();
        assertThat(result.providers().policies().names())
                .isEqualTo(new PolicyRegistry(getClass().getClassLoader()).names());
        assertThat(result.providers().policies().names()).contains("random-sticky", "round-robin", "weighted-round-robin");
    }

    @Test
    void aPluginsProvidersJoinTheBuiltInOnesByName() {
        TestPluginJar.withPolicy("PinProvider", "pin").writeTo(directory.resolve("pin.jar"));

        InstalledProviders.Result result = load();

        assertThat(result.errors()).isEmpty();
        PolicyRegistry policies = result.providers().policies();
        assertThat(policies.names()).contains("random-sticky", "round-robin", "weighted-round-robin", "pin");
        assertThat(policies.get("pin").getClass().getName()).isEqualTo("org.example.PinProvider");
        assertThat(policies.get("pin").getClass().getClassLoader()).isSameAs(plugins.jars().get(0).classLoader());
        assertThat(result.providers().discoveries().names()).contains("static").doesNotContain("pin");
        assertThat(result.providers().transports().names()).contains("tcp", "http");
    }

    @Test
    void aPluginThatTakesABuiltInNameIsAnErrorSayingSo() {
        Path jar = TestPluginJar.withPolicy("MyRoundRobinProvider", "round-robin").writeTo(directory.resolve("rr.jar"));

        InstalledProviders.Result result = load();

        assertThat(result.errors()).singleElement().asString()
                .startsWith("plugin jar " + jar + ": policy \"round-robin\" (org.example.MyRoundRobinProvider) clashes with"
                        + " the built-in policy of that name (org.etcdgateway.policy.RoundRobinPolicyProvider, on the classpath)")
                .endsWith("(expected: a policy name no other provider has; a plugin adds a policy, it cannot replace one)");
    }

    @Test
    void twoJarsWithOneNameIsAnErrorNamingBoth() {
        Path first = TestPluginJar.withPolicy("PinProvider", "pin").writeTo(directory.resolve("pin-1.jar"));
        Path second = TestPluginJar.withPolicy("OtherPinProvider", "pin").writeTo(directory.resolve("pin-2.jar"));

        InstalledProviders.Result result = load();

        assertThat(result.errors()).containsExactly("plugin jar " + second + ": policy \"pin\" (org.example.OtherPinProvider)"
                + " clashes with the policy of that name in plugin jar " + first + " (org.example.PinProvider)"
                + " (expected: a policy name no other provider has; a plugin adds a policy, it cannot replace one)");
    }

    @Test
    void oneNameOfTwoKindsIsNoClash() {
        TestPluginJar.withPolicy("StaticPolicyProvider", "static").writeTo(directory.resolve("static-policy.jar"));

        InstalledProviders.Result result = load();

        assertThat(result.errors()).isEmpty();
        assertThat(result.providers().policies().names()).contains("static");
        assertThat(result.providers().discoveries().get("static").getClass().getName()).startsWith("org.etcdgateway.");
    }
}
