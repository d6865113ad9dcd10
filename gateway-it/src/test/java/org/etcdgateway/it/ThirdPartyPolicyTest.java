package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
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
 * A policy from a jar the gateway was not built with, installed in the two documented ways: on
 * the classpath, or in the plugin directory ({@code --plugin-dir}, {@code gateway.plugin-dir}),
 * where it has a class loader of its own; either way with its services file, chosen with
 * {@code --policy <name>}.
 */
@Timeout(120)
class ThirdPartyPolicyTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final Duration FUTURE_TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path buildDirectory;

    private static Path pluginJar;
    /** Holds the plugin jar and nothing else: what {@code --plugin-dir} is given. */
    private static Path pluginDirectory;

    @BeforeAll
    static void buildPlugin() throws IOException {
        pluginJar = PolicyPluginJar.build(buildDirectory);
        pluginDirectory = Files.createDirectories(buildDirectory.resolve("plugins"));
        Files.copy(pluginJar, pluginDirectory.resolve(pluginJar.getFileName()));
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

    @Test
    void gatewayLoadsThePolicyFromThePluginDirectoryAndRoutesEtcdctlAndJetcdToTheHighestPort() throws Exception {
        int highest = highestPortMember();
        MemberId expected = CLUSTER.cluster().memberId(highest);
        Path jarInDirectory = pluginDirectory.resolve(pluginJar.getFileName());
        // Not on the classpath: only the plugin directory can bring the policy.
        try (GatewayProcess gateway = GatewayProcess.start(List.of(),
                GatewayFlags.forCluster(CLUSTER.cluster(), "--plugin-dir", pluginDirectory.toString(),
                        "--policy", PolicyPluginJar.POLICY_NAME))) {
            DIAGNOSTICS.forTest("gateway", gateway::output);
            assertThat(gateway.output()).contains("plugin jar " + jarInDirectory + " loaded: policy "
                    + PolicyPluginJar.POLICY_NAME + " (" + PolicyPluginJar.PROVIDER_CLASS + ")");
            assertThat(gateway.output()).contains("transport tcp, policy " + PolicyPluginJar.POLICY_NAME + ",");

            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            List<MemberId> served = Sessions.writesWithoutErrors(etcdctl, "it/plugin-dir/etcdctl/", 6);
            assertThat(new HashSet<>(served))
                    .as("members that served 6 etcdctl sessions; the highest client port is %d, member %s",
                            CLUSTER.cluster().clientPort(highest), expected)
                    .containsExactly(expected);

            // jetcd keeps one connection per client: each new client is a new pick.
            for (int client = 0; client < 3; client++) {
                try (Client jetcd = Client.builder().endpoints("http://" + gateway.listenAddress()).build()) {
                    ByteSequence key = bytes("it/plugin-dir/jetcd/" + client);
                    String value = "client " + client;
                    PutResponse put = jetcd.getKVClient().put(key, bytes(value))
                            .get(FUTURE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    GetResponse get = jetcd.getKVClient().get(key).get(FUTURE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

                    assertThat(new MemberId(put.getHeader().getMemberId())).as("the member that served jetcd client %d's put", client)
                            .isEqualTo(expected);
                    assertThat(new MemberId(get.getHeader().getMemberId())).as("the member that served jetcd client %d's get", client)
                            .isEqualTo(expected);
                    assertThat(get.getKvs()).singleElement()
                            .satisfies(kv -> assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo(value));
                }
            }
        }
    }

    @Test
    void theConfigFileMayNameThePluginDirectory() throws IOException {
        int highest = highestPortMember();
        Path file = Files.writeString(buildDirectory.resolve("gateway.conf"), """
                gateway {
                  plugin-dir = "%s"
                  policy.provider = %s
                }
                """.formatted(pluginDirectory, PolicyPluginJar.POLICY_NAME));
        try (GatewayProcess gateway = GatewayProcess.start(List.of(),
                GatewayFlags.forCluster(CLUSTER.cluster(), "--config", file.toString()))) {
            DIAGNOSTICS.forTest("gateway", gateway::output);
            assertThat(gateway.output()).contains("plugin jar " + pluginDirectory.resolve(pluginJar.getFileName()) + " loaded");

            List<MemberId> served = Sessions.servingMembers(Etcdctl.at(gateway.listenAddress()), 3);
            assertThat(new HashSet<>(served)).containsExactly(CLUSTER.cluster().memberId(highest));
        }
    }

    private static int highestPortMember() {
        return IntStream.range(0, CLUSTER.cluster().size()).boxed()
                .max(Comparator.comparingInt(CLUSTER.cluster()::clientPort))
                .orElseThrow();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
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
