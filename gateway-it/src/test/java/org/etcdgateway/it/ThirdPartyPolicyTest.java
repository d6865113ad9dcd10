package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.IntStream;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy from a jar the gateway was not built with, installed the documented way: on the
 * classpath with its services file, chosen with {@code --policy <name>}.
 */
@Timeout(120)
class ThirdPartyPolicyTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    @TempDir
    static Path pluginDirectory;

    private static Path pluginJar;

    @BeforeAll
    static void buildPlugin() {
        pluginJar = PolicyPluginJar.build(pluginDirectory);
    }

    /** The plugin itself, loaded as the gateway would load it; if this fails, the gateway test below means nothing. */
    @Test
    void pluginJarIsAServiceLoaderProvider() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {pluginJar.toUri().toURL()}, getClass().getClassLoader())) {
            List<LoadBalancingPolicyProvider<?>> providers = ServiceLoader.load(providerType(), loader).stream()
                    .map(ServiceLoader.Provider::get)
                    .filter(provider -> provider.getClass().getClassLoader() == loader)
                    .toList();

            assertThat(providers).singleElement()
                    .extracting(LoadBalancingPolicyProvider::name)
                    .isEqualTo(PolicyPluginJar.POLICY_NAME);
            LoadBalancingPolicy policy = newPolicy(providers.get(0));
            List<Endpoint> candidates = List.of(Endpoint.of("127.0.0.1", 2379, "static"),
                    Endpoint.of("127.0.0.1", 32379, "static"), Endpoint.of("127.0.0.1", 22379, "static"));
            assertThat(policy.pick(candidates).port()).isEqualTo(32379);
        }
    }

    @Test
    void withoutThePluginJarTheNameIsUnknown() {
        CommandResult result = GatewayProcess.runUntilExit(
                GatewayFlags.forCluster(CLUSTER.cluster(), "--policy", PolicyPluginJar.POLICY_NAME), Duration.ofSeconds(20));

        assertThat(result.exitCode()).as(result::describe).isEqualTo(2);
        assertThat(result.stderr()).contains(PolicyPluginJar.POLICY_NAME);
    }

    @Test
    void gatewaySendsEveryConnectionToTheUsableMemberWithTheHighestPort() {
        List<Integer> byPortDescending = IntStream.range(0, CLUSTER.cluster().size()).boxed()
                .sorted(Comparator.comparingInt(CLUSTER.cluster()::clientPort).reversed())
                .toList();
        int highest = byPortDescending.get(0);
        int nextHighest = byPortDescending.get(1);
        try (GatewayProcess gateway = GatewayProcess.start(List.of(pluginJar),
                GatewayFlags.forCluster(CLUSTER.cluster(), "--policy", PolicyPluginJar.POLICY_NAME))) {
            DIAGNOSTICS.forTest("gateway", gateway::output);
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());

            List<MemberId> served = Sessions.servingMembers(etcdctl, 6);
            assertThat(new HashSet<>(served))
                    .as("members that served 6 sessions; the highest client port is %d, member %s",
                            CLUSTER.cluster().clientPort(highest), CLUSTER.cluster().memberId(highest))
                    .containsExactly(CLUSTER.cluster().memberId(highest));

            // The plugin only sees the usable endpoints: with the highest one dead, the next one wins.
            CLUSTER.cluster().kill(highest);
            CLUSTER.cluster().awaitHealthy();
            List<MemberId> servedAfterKill = Sessions.writesWithoutErrors(etcdctl, "it/plugin/after-kill/", 6);
            assertThat(new HashSet<>(servedAfterKill))
                    .as("members that served 6 sessions with member %s dead; the next highest port is %d, member %s",
                            CLUSTER.cluster().memberId(highest), CLUSTER.cluster().clientPort(nextHighest), CLUSTER.cluster().memberId(nextHighest))
                    .containsExactly(CLUSTER.cluster().memberId(nextHighest));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<LoadBalancingPolicyProvider<?>> providerType() {
        return (Class) LoadBalancingPolicyProvider.class;
    }

    private static <S> LoadBalancingPolicy newPolicy(LoadBalancingPolicyProvider<S> provider) throws InvalidConfigException {
        String path = "gateway.policy." + provider.name();
        return provider.newPolicy(provider.parseSettings(SettingsReader.of(ConfigFactory.empty(), path)));
    }
}
