package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every I/O engine carries real clients' traffic to a real cluster: io_uring, which {@code auto}
 * picks here, and epoll and NIO, which it falls back to on kernels that refuse io_uring.
 */
@Timeout(60)
class IoEngineTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void etcdctlAndJetcdGoThroughTheGatewayOnEachEngine(String engine, @TempDir Path directory) throws Exception {
        Path config = directory.resolve("gateway.conf");
        Files.writeString(config, "gateway.transport.tcp.io-engine = " + engine + "\n", StandardCharsets.UTF_8);
        String endpoints = String.join(",", CLUSTER.cluster().clientEndpoints());
        try (GatewayProcess gateway = GatewayProcess.start("--endpoints", endpoints, "--listen-addr", "127.0.0.1:0",
                "--config", config.toString())) {
            DIAGNOSTICS.forTest("gateway on " + engine, gateway::output);
            assertThat(gateway.output()).contains("using " + engine);

            String key = "it/io-engine/" + engine;
            Etcdctl etcdctl = Etcdctl.at(gateway.listenAddress());
            CommandResult put = etcdctl.run("put", key, "through " + engine);
            assertThat(put.succeeded()).as(put::describe).isTrue();
            try (Client jetcd = Client.builder().endpoints("http://" + gateway.listenAddress()).build()) {
                String read = jetcd.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8))
                        .get(15, TimeUnit.SECONDS).getKvs().stream()
                        .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
                assertThat(read).isEqualTo("through " + engine);
            }
            CommandResult direct = Etcdctl.at(CLUSTER.cluster().clientEndpoint(0)).run("get", key, "--print-value-only");
            assertThat(direct.stdout()).as("the write reached the cluster").isEqualTo("through " + engine + "\n");
        }
    }
}
