package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP reads the configuration file again: a new endpoint list takes effect for new
 * connections while a watch stream opened before goes on; a file with errors is refused whole.
 */
@Timeout(180)
class ReloadTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    @Test
    void newEndpointsTakeOverWhileAWatchLivesOnAndABrokenFileChangesNothing() throws IOException {
        EtcdCluster cluster = CLUSTER.cluster();
        String first = cluster.clientEndpoint(0);
        List<String> others = List.of(cluster.clientEndpoint(1), cluster.clientEndpoint(2));
        Path config = directory.resolve("gateway.conf");
        writeConfig(config, List.of(first));

        try (GatewayProcess gateway = GatewayProcess.start("--config", config.toString(), "--listen-addr", "127.0.0.1:0")) {
            AdminEndpoint admin = gateway.admin();
            assertThat(endpointsOf(admin)).containsExactly(first);
            String key = "it/reload/watch";
            Etcdctl direct = Etcdctl.at(cluster.clientEndpoint(1));
            try (ChildProcess watch = Etcdctl.at(gateway.listenAddress()).startInBackground("watch", key)) {
                Poll.untilTrue("the watch's connection to " + first, Duration.ofSeconds(10),
                        () -> admin.endpoint(first).get("activeConnections").asInt() == 1);
                awaitEvent(watch, direct, key, "before-reload");

                double accepted = clientConnections(admin);
                writeConfig(config, others);
                gateway.sendSighup();
                Poll.untilTrue("the reloaded endpoints " + others + " on /endpoints", RELOAD_TIMEOUT,
                        () -> endpointsOf(admin).equals(others));
                assertThat(gateway.output()).contains("reloaded: endpoints");

                awaitEvent(watch, direct, key, "after-reload");
                assertThat(clientConnections(admin))
                        .as("client connections accepted: the watch did not have to reconnect").isEqualTo(accepted);
                Etcdctl throughGateway = Etcdctl.at(gateway.listenAddress());
                for (int i = 0; i < 4; i++) {
                    MemberId served = throughGateway.requireServingMember();
                    assertThat(cluster.indexOf(served)).as("new sessions follow the new list").isIn(1, 2);
                }

                String output = gateway.output();
                Files.writeString(config, """
                        gateway.discovery.static.endpoints = ["%s"]
                        gateway.transport.tcp.dial-timeout = soon
                        gateway.policy.provider = no-such-policy
                        """.formatted(first), StandardCharsets.UTF_8);
                gateway.sendSighup();
                Poll.untilTrue("the gateway to refuse the broken file", RELOAD_TIMEOUT,
                        () -> gateway.output().length() > output.length() && gateway.output().contains("reload refused"));
                String refusal = gateway.output().substring(output.length());
                assertThat(refusal).contains("2 error(s)").contains("gateway.transport.tcp.dial-timeout: \"soon\"")
                        .contains("gateway.policy.provider: \"no-such-policy\"");
                assertThat(endpointsOf(admin)).isEqualTo(others);
                assertThat(cluster.indexOf(throughGateway.requireServingMember())).isIn(1, 2);
                awaitEvent(watch, direct, key, "after-refusal");
            }
        }
    }

    @Test
    void thePolicyAndTheHealthChecksChangeOnReloadAndARestartOnlyChangeIsRefused() throws IOException {
        EtcdCluster cluster = CLUSTER.cluster();
        String endpoints = cluster.clientEndpoints().stream().map(endpoint -> "\"" + endpoint + "\"")
                .collect(Collectors.joining(", "));
        Path config = directory.resolve("gateway.conf");
        Files.writeString(config, """
                gateway.discovery.static.endpoints = [%s]
                gateway.policy.provider = round-robin
                gateway.transport.tcp.health.check = none
                """.formatted(endpoints), StandardCharsets.UTF_8);

        try (GatewayProcess gateway = GatewayProcess.start("--config", config.toString(), "--listen-addr", "127.0.0.1:0")) {
            AdminEndpoint admin = gateway.admin();
            assertThat(admin.endpoints()).extracting(node -> node.get("health").asText()).containsOnly("unchecked");
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            assertThat(new HashSet<>(Sessions.servingMembers(etcdctl, 6))).as("round-robin over the three").hasSize(3);

            Files.writeString(config, """
                    gateway.discovery.static.endpoints = [%s]
                    gateway.policy.provider = random-sticky
                    gateway.transport.tcp.health {
                      check = http
                      interval = 300ms
                      timeout = 300ms
                    }
                    """.formatted(endpoints), StandardCharsets.UTF_8);
            gateway.sendSighup();
            Poll.untilTrue("the health checks to run and find every endpoint healthy", RELOAD_TIMEOUT, () -> admin.endpoints()
                    .stream().allMatch(node -> node.get("health").asText().equals("healthy")));
            assertThat(gateway.output()).contains("reloaded: endpoints").contains("(policy random-sticky, discovery static)");
            assertThat(new HashSet<>(Sessions.servingMembers(etcdctl, 6))).as("random-sticky keeps to one").hasSize(1);

            String output = gateway.output();
            Files.writeString(config, """
                    gateway.discovery.static.endpoints = [%s]
                    gateway.policy.provider = round-robin
                    gateway.transport.tcp.io-threads = 7
                    gateway.transport.tcp.io-engine = nio
                    """.formatted(endpoints), StandardCharsets.UTF_8);
            gateway.sendSighup();
            Poll.untilTrue("the gateway to refuse a change that needs a restart", RELOAD_TIMEOUT,
                    () -> gateway.output().length() > output.length() && gateway.output().contains("cannot change while the gateway runs"));
            assertThat(gateway.output().substring(output.length())).contains("reload refused").contains("io-threads")
                    .contains("io-engine (auto -> nio)");
            assertThat(new HashSet<>(Sessions.servingMembers(etcdctl, 6)))
                    .as("still random-sticky: nothing of the refused file was applied, its round-robin neither").hasSize(1);
            assertThat(gateway.isAlive()).isTrue();
        }
    }

    private static void writeConfig(Path config, List<String> endpoints) throws IOException {
        String list = endpoints.stream().map(endpoint -> "\"" + endpoint + "\"").collect(Collectors.joining(", "));
        Files.writeString(config, """
                gateway.discovery.static.endpoints = [%s]
                gateway.policy.provider = round-robin
                """.formatted(list), StandardCharsets.UTF_8);
    }

    private static double clientConnections(AdminEndpoint admin) {
        return AdminEndpoint.sum(admin.metrics(), "etcd_gateway_client_connections_total");
    }

    private static List<String> endpointsOf(AdminEndpoint admin) {
        return admin.endpoints().stream().map(node -> node.get("endpoint").asText()).toList();
    }

    /** Puts {@code value} until the open watch prints it: the stream is alive and delivers. */
    private static void awaitEvent(ChildProcess watch, Etcdctl direct, String key, String value) {
        Poll.untilTrue("the watch opened before to see " + value, Duration.ofSeconds(15), () -> {
            if (!watch.isAlive()) {
                throw new AssertionError("etcdctl watch exited:\n" + watch.result(false).describe());
            }
            direct.run("put", key, value);
            return watch.stdout().contains("PUT\n" + key + "\n" + value + "\n");
        });
    }
}
