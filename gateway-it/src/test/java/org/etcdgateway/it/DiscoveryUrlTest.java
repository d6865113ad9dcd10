package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --discovery URL}: the gateway finds a cluster through etcd's v2 discovery protocol, on a
 * real discovery service (an etcd with {@code --enable-v2}) where the members of a real cluster
 * are registered the way etcd registers them.
 */
@Timeout(120)
class DiscoveryUrlTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final int EXIT_START_FAILED = 1;
    /** A refusal takes one JVM start and a few loopback requests. */
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private static EtcdDiscoveryService discoveryService;

    @BeforeAll
    static void startDiscoveryService() {
        discoveryService = EtcdDiscoveryService.start();
        DIAGNOSTICS.forClass("discovery service", discoveryService::logTails);
    }

    @AfterAll
    static void stopDiscoveryService() {
        if (discoveryService != null) {
            discoveryService.close();
        }
    }

    @Test
    void theGatewayForwardsToTheClientUrlsOfTheRegisteredCluster() {
        EtcdCluster cluster = CLUSTER.cluster();
        String discoveryUrl = discoveryService.newToken(cluster.size());
        for (int index = 0; index < cluster.size(); index++) {
            discoveryService.register(discoveryUrl, cluster.memberId(index), cluster.name(index), cluster.peerUrl(index));
        }

        try (GatewayProcess gateway = startGateway(discoveryUrl)) {
            assertThat(ReadyLine.endpoints(gateway)).as("the endpoints on the ready line")
                    .containsExactlyInAnyOrderElementsOf(cluster.clientEndpoints());
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            CommandResult put = etcdctl.run("put", "it/discovery-url", "found");
            assertThat(put.succeeded()).as(put::describe).isTrue();
            CommandResult get = etcdctl.run("get", "it/discovery-url", "--print-value-only");
            assertThat(get.stdout().strip()).as(get::describe).isEqualTo("found");
            List<MemberId> served = Sessions.servingMembers(etcdctl, 6);
            assertThat(new HashSet<>(served)).as("members that served 6 sessions round robin: %s", served)
                    .containsExactlyInAnyOrderElementsOf(cluster.memberIds());
        }
    }

    @Test
    void aTokenTheServiceDoesNotKnowStopsTheGatewayNamingTheUrlAndTheStatus() {
        String discoveryUrl = discoveryService.urlOf("no-such-token");

        CommandResult result = GatewayProcess.runUntilExit(flags(discoveryUrl), EXIT_TIMEOUT);

        assertThat(result.timedOut()).as(result::describe).isFalse();
        assertThat(result.exitCode()).as(result::describe).isEqualTo(EXIT_START_FAILED);
        assertThat(result.stderr()).as(result::describe)
                .contains("etcd-gateway: cannot start: discovery discovery-url: no endpoints from the cluster at discovery URL "
                        + discoveryUrl + ": GET " + discoveryUrl + "/_config/size answered status 404 (Key not found: ")
                .contains("does the token exist, with its size set?");
    }

    @Test
    void aDiscoveryUrlThatAnswersWithoutJsonStopsTheGatewaySayingSo() throws IOException {
        HttpServer notDiscovery = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        notDiscovery.createContext("/", exchange -> {
            byte[] page = "<html><body>Welcome</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        });
        notDiscovery.start();
        try {
            String discoveryUrl = "http://127.0.0.1:" + notDiscovery.getAddress().getPort() + "/token";

            CommandResult result = GatewayProcess.runUntilExit(flags(discoveryUrl), EXIT_TIMEOUT);

            assertThat(result.exitCode()).as(result::describe).isEqualTo(EXIT_START_FAILED);
            assertThat(result.stderr()).as(result::describe)
                    .contains("etcd-gateway: cannot start: discovery discovery-url: no endpoints from the cluster at discovery URL "
                            + discoveryUrl + ": GET " + discoveryUrl + "/_config/size answered with a body that is not JSON"
                            + " (at line 1, column 1): <html><body>Welcome</body></html>");
        } finally {
            notDiscovery.stop(0);
        }
    }

    private static GatewayProcess startGateway(String discoveryUrl) {
        GatewayProcess gateway = GatewayProcess.start(List.of(), flags(discoveryUrl));
        DIAGNOSTICS.forTest("gateway", gateway::output);
        return gateway;
    }

    private static List<String> flags(String discoveryUrl) {
        return List.of(
                "--discovery", discoveryUrl,
                "--listen-addr", "127.0.0.1:0",
                "--policy", "round-robin",
                "--dial-timeout", GatewayFlags.DIAL_TIMEOUT.toSeconds() + "s",
                "--retry-delay", GatewayFlags.RETRY_DELAY.toSeconds() + "s");
    }
}
