package org.etcdgateway.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code etcd-gateway proxy}: etcd's v2 proxy ({@code etcd --proxy on|readonly}), flag for flag:
 * the http transport, with the members found as etcd's proxy finds them (the etcd-peers discovery)
 * and a new endpoint per request (round-robin) rather than etcd's one sticky member.
 */
@Command(name = "proxy",
        mixinStandardHelpOptions = true,
        versionProvider = EtcdGateway.Version.class,
        sortOptions = false,
        description = {"Start the v2 HTTP proxy: etcd --proxy on|readonly, with its known bugs fixed.",
                "Flags override the --config file, which overrides the defaults in reference.conf.",
                "Times in milliseconds, as etcd takes them."})
final class ProxyCommand extends GatewayCommand {

    @Option(names = "--proxy", paramLabel = "on|readonly",
            description = "on forwards every request; readonly forwards GETs and answers anything else 501 (default: on)")
    private String mode;

    @Option(names = "--listen-client-urls", paramLabel = "URL[,...]",
            description = "Where clients connect, http://host:port, comma-separated; port 0 binds a free port (default: http://127.0.0.1:2379)")
    private String listenClientUrls;

    @Option(names = "--initial-cluster", paramLabel = "NAME=PEER-URL[,...]",
            description = "The cluster's peer URLs, as etcd's --initial-cluster")
    private String initialCluster;

    @Option(names = "--discovery", paramLabel = "URL",
            description = "Find the cluster through etcd's v2 discovery protocol at URL")
    private String discoveryUrl;

    @Option(names = "--discovery-srv", paramLabel = "DOMAIN",
            description = "Find the cluster's peers in SRV records _etcd-server-ssl._tcp.DOMAIN and _etcd-server._tcp.DOMAIN")
    private String discoverySrv;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the peer URLs in DIR/proxy/cluster and use them on the next start, as etcd does")
    private String dataDir;

    @Option(names = "--proxy-failure-wait", paramLabel = "MS",
            description = "How long an endpoint that failed stays out of rotation (default: 5000)")
    private String failureWait;

    @Option(names = "--proxy-refresh-interval", paramLabel = "MS",
            description = "How often the members' client URLs are read again (default: 30000)")
    private String refreshInterval;

    @Option(names = "--proxy-dial-timeout", paramLabel = "MS",
            description = "How long a connection to a member may take (default: 1000)")
    private String dialTimeout;

    @Option(names = "--proxy-write-timeout", paramLabel = "MS",
            description = "How long sending a request to a member may take (default: 5000)")
    private String writeTimeout;

    @Option(names = "--proxy-read-timeout", paramLabel = "MS",
            description = "How long a response may go without data; 0 for no limit, so watches live (default: 0)")
    private String readTimeout;

    @Option(names = "--policy", paramLabel = "NAME",
            description = "How an endpoint is chosen for each request: round-robin, random-sticky, weighted-round-robin, or a plugin's name (default: round-robin)")
    private String policy;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "On SIGTERM, how long open requests may run on before they are closed (default: 10s)")
    private String drainTimeout;

    private static final Map<String, String> FLAG_KEYS = Map.ofEntries(
            Map.entry("--proxy", "gateway.transport.http.mode"),
            Map.entry("--listen-client-urls", "gateway.transport.http.listen-client-urls"),
            Map.entry("--drain-timeout", "gateway.transport.http.drain-timeout"),
            Map.entry("--initial-cluster", "gateway.discovery.etcd-peers.initial-cluster"),
            Map.entry("--discovery", "gateway.discovery.discovery-url.url"),
            Map.entry("--discovery-srv", "gateway.discovery.dns-srv.domain"),
            Map.entry("--data-dir", "gateway.discovery.etcd-peers.data-dir"),
            Map.entry("--policy", "gateway.policy.provider"));

    /** etcd's millisecond flags and the duration keys they set. */
    private static final Map<String, String> MILLISECOND_FLAG_KEYS = Map.of(
            "--proxy-failure-wait", "gateway.transport.http.failure-wait",
            "--proxy-refresh-interval", "gateway.discovery.etcd-peers.refresh-interval",
            "--proxy-dial-timeout", "gateway.transport.http.dial-timeout",
            "--proxy-write-timeout", "gateway.transport.http.write-timeout",
            "--proxy-read-timeout", "gateway.transport.http.read-timeout");

    @Override
    String transportPath() {
        return "gateway.transport.http";
    }

    @Override
    Map<String, String> flagKeys() {
        return FLAG_KEYS;
    }

    @Override
    List<String> deriveKeys(Map<String, Object> pathsToValues, Map<String, String> pathsToFlags) {
        List<String> errors = new ArrayList<>();
        MILLISECOND_FLAG_KEYS.forEach((flag, path) -> {
            String value = spec.findOption(flag).getValue();
            if (value == null) {
                return;
            }
            if (!value.strip().matches("\\d{1,12}")) {
                errors.add(flag + ": \"" + value + "\" (expected: a whole number of milliseconds, as etcd takes it)");
                return;
            }
            pathsToValues.put(path, value.strip() + "ms");
            pathsToFlags.put(path, flag);
        });

        List<String> sources = new ArrayList<>();
        if (discoveryUrl != null) {
            sources.add("--discovery");
        }
        if (discoverySrv != null) {
            sources.add("--discovery-srv");
        }
        if (initialCluster != null) {
            sources.add("--initial-cluster");
        }
        if (sources.size() > 1) {
            // etcd refuses this too: which one would it mean?
            errors.add(String.join(" and ", sources) + " each say where the cluster is (expected: one of them)");
        }

        String origin = "etcd-gateway proxy";
        put(pathsToValues, pathsToFlags, "gateway.transport.provider", "http", origin);
        put(pathsToValues, pathsToFlags, "gateway.discovery.provider", "etcd-peers", origin);
        if (policy == null) {
            // etcd's proxy sends everything to one member (etcd issues 5458, 2549); spread requests instead.
            put(pathsToValues, pathsToFlags, "gateway.policy.provider", "round-robin", origin);
        }
        return errors;
    }

    private static void put(Map<String, Object> pathsToValues, Map<String, String> pathsToFlags, String path,
                            String value, String origin) {
        pathsToValues.put(path, value);
        pathsToFlags.put(path, origin);
    }
}
