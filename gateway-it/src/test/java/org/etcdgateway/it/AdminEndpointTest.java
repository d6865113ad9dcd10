package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin endpoint of a gateway in front of a real cluster: {@code /metrics} parsed by the
 * Prometheus client library's parser, with its counters moving as etcdctl sessions pass;
 * {@code /healthz}, {@code /readyz} and {@code /endpoints}.
 */
@Timeout(120)
class AdminEndpointTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final int SESSIONS = 6;

    @Test
    void metricsCountSessionsBytesPicksAndHealthChecks() {
        EtcdCluster cluster = CLUSTER.cluster();
        try (GatewayProcess gateway = GatewayProcess.start(GatewayFlags.forCluster(cluster,
                "--policy", "round-robin", "--health-interval", "300ms", "--health-timeout", "300ms"))) {
            AdminEndpoint admin = gateway.admin();
            Poll.untilTrue("a healthy check of every endpoint", Duration.ofSeconds(10), () -> cluster.clientEndpoints().stream()
                    .allMatch(endpoint -> AdminEndpoint.value(admin.metrics(), "etcd_gateway_health_checks_total",
                            Map.of("endpoint", endpoint, "result", "healthy")).orElse(0.0) > 0));
            List<AdminEndpoint.Sample> before = admin.metrics();

            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            for (int i = 0; i < SESSIONS; i++) {
                CommandResult result = etcdctl.run("put", "it/admin/key-" + i, "value-" + i);
                assertThat(result.succeeded()).as(result::describe).isTrue();
            }
            List<AdminEndpoint.Sample> after = admin.metrics();

            assertThat(increase(before, after, "etcd_gateway_client_connections_total")).isGreaterThanOrEqualTo(SESSIONS);
            assertThat(increase(before, after, "etcd_gateway_endpoint_connections_total")).isGreaterThanOrEqualTo(SESSIONS);
            assertThat(increase(before, after, "etcd_gateway_endpoint_picks_total")).isGreaterThanOrEqualTo(SESSIONS);
            // Each put sends its key and value (and gRPC framing) and gets a header back.
            assertThat(increase(before, after, "etcd_gateway_endpoint_sent_bytes_total")).isGreaterThan(SESSIONS * 20.0);
            assertThat(increase(before, after, "etcd_gateway_endpoint_received_bytes_total")).isGreaterThan(SESSIONS * 20.0);
            for (int member = 0; member < cluster.size(); member++) {
                Map<String, String> labels = Map.of("endpoint", cluster.clientEndpoint(member));
                assertThat(AdminEndpoint.value(after, "etcd_gateway_endpoint_picks_total", labels))
                        .as("round-robin picked %s", cluster.clientEndpoint(member)).hasValueSatisfying(picks ->
                                assertThat(picks).isPositive());
                assertThat(AdminEndpoint.value(after, "etcd_gateway_endpoint_usable", labels)).contains(1.0);
                assertThat(AdminEndpoint.value(after, "etcd_gateway_endpoint_healthy", labels)).contains(1.0);
                assertThat(AdminEndpoint.value(after, "etcd_gateway_endpoint_connections_active", labels)).isPresent();
            }
            assertThat(after).filteredOn(sample -> sample.family().equals("etcd_gateway_endpoint_picks"))
                    .allSatisfy(sample -> assertThat(sample.type()).isEqualTo("counter"));
        }
    }

    @Test
    void healthzReadyzAndEndpointsDescribeTheGateway() {
        EtcdCluster cluster = CLUSTER.cluster();
        try (GatewayProcess gateway = GatewayProcess.start(GatewayFlags.forCluster(cluster))) {
            AdminEndpoint admin = gateway.admin();
            assertThat(admin.get("/healthz").status()).isEqualTo(200);
            AdminEndpoint.Answer ready = admin.get("/readyz");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("3 of 3");
            assertThat(admin.get("/no-such-page").status()).isEqualTo(404);

            List<JsonNode> endpoints = admin.endpoints();
            assertThat(endpoints).extracting(node -> node.get("endpoint").asText())
                    .containsExactlyElementsOf(cluster.clientEndpoints());
            for (JsonNode endpoint : endpoints) {
                assertThat(endpoint.get("source").asText()).isEqualTo("static");
                assertThat(endpoint.get("state").asText()).isEqualTo("usable");
                assertThat(endpoint.get("activeConnections").asInt()).isZero();
                assertThat(endpoint.has("lastError")).isTrue();
            }
        }
    }

    @Test
    void readyzSays503WhenNoEndpointIsUsable() {
        int closedPort = FreePorts.one();
        try (GatewayProcess gateway = GatewayProcess.start("--endpoints", "127.0.0.1:" + closedPort,
                "--listen-addr", "127.0.0.1:0", "--health-interval", "300ms", "--health-timeout", "300ms")) {
            AdminEndpoint admin = gateway.admin();
            Poll.untilTrue("/readyz to say 503", Duration.ofSeconds(10), () -> admin.get("/readyz").status() == 503);
            JsonNode endpoint = admin.endpoint("127.0.0.1:" + closedPort);
            assertThat(endpoint.get("health").asText()).isEqualTo("unhealthy");
            assertThat(endpoint.get("lastError").asText()).isNotBlank();
            assertThat(admin.get("/healthz").status()).as("alive, though not ready").isEqualTo(200);
        }
    }

    private static double increase(List<AdminEndpoint.Sample> before, List<AdminEndpoint.Sample> after, String name) {
        return AdminEndpoint.sum(after, name) - AdminEndpoint.sum(before, name);
    }
}
