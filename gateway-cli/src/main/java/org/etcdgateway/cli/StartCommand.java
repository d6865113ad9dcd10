package org.etcdgateway.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code etcd-gateway start}: etcd's {@code etcd gateway start}, flag for flag, and more. */
@Command(name = "start",
        mixinStandardHelpOptions = true,
        versionProvider = EtcdGateway.Version.class,
        sortOptions = false,
        description = {"Start the L4 gateway: forward every client connection to a live etcd member.",
                "Flags override the --config file, which overrides the defaults in reference.conf."})
final class StartCommand extends GatewayCommand {

    @Option(names = "--endpoints", paramLabel = "HOST:PORT[,...]",
            description = "etcd members' client addresses, comma-separated; http:// or https:// is stripped; IPv6 as [::1]:2379 (default: 127.0.0.1:2379)")
    private String endpoints;

    @Option(names = "--listen-addr", paramLabel = "HOST:PORT",
            description = "Where clients connect; port 0 binds a free port (default: 127.0.0.1:23790)")
    private String listenAddress;

    @Option(names = "--retry-delay", paramLabel = "DURATION",
            description = "How long an endpoint whose dial failed stays out of rotation before it is dialled again (default: 1m)")
    private String retryDelay;

    @Option(names = "--dial-timeout", paramLabel = "DURATION",
            description = "How long a dial to an endpoint may take before the next endpoint is tried (default: 1s)")
    private String dialTimeout;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "On SIGTERM, how long open connections may run on before they are closed (default: 10s)")
    private String drainTimeout;

    @Option(names = "--policy", paramLabel = "NAME",
            description = "How an endpoint is chosen: random-sticky, round-robin, weighted-round-robin, or a plugin's name (default: random-sticky)")
    private String policy;

    @Option(names = "--discovery-srv", paramLabel = "DOMAIN",
            description = "Find the endpoints in DNS SRV records _etcd-client-ssl._tcp.DOMAIN and _etcd-client._tcp.DOMAIN, looked up again when their TTL runs out")
    private String discoverySrv;

    @Option(names = "--discovery-srv-name", paramLabel = "NAME",
            description = "With --discovery-srv: look up _etcd-client-ssl-NAME._tcp and _etcd-client-NAME._tcp instead")
    private String discoverySrvName;

    @Option(names = "--discovery-dns-server", paramLabel = "HOST[:PORT]", split = ",",
            description = "With --discovery-srv: the DNS server to ask, for the SRV records and their targets' addresses; repeatable (default: the system's resolvers)")
    private List<String> discoveryDnsServers;

    @Option(names = "--insecure-discovery",
            description = "With --discovery-srv: also use plain (non-TLS) _etcd-client targets")
    private boolean insecureDiscovery;

    @Option(names = "--trusted-ca-file", paramLabel = "FILE",
            description = "With --discovery-srv: check each TLS target with a handshake against these CAs (PEM) before using it")
    private String trustedCaFile;

    @Option(names = "--discovery", paramLabel = "URL",
            description = "Find the members through etcd's v2 discovery protocol at URL (as etcd --discovery)")
    private String discoveryUrl;

    @Option(names = "--member-sync",
            description = "Ask the cluster for its members every --sync-interval and follow them; the first endpoints come from --endpoints or --discovery-srv")
    private boolean memberSync;

    @Option(names = "--sync-interval", paramLabel = "DURATION",
            description = "With --member-sync: how often the member list is read (default: 30s)")
    private String syncInterval;

    /** The config key each flag sets. */
    private static final Map<String, String> FLAG_KEYS = Map.ofEntries(
            Map.entry("--endpoints", "gateway.discovery.static.endpoints"),
            Map.entry("--listen-addr", "gateway.transport.tcp.listen-addr"),
            Map.entry("--retry-delay", "gateway.transport.tcp.retry-delay"),
            Map.entry("--dial-timeout", "gateway.transport.tcp.dial-timeout"),
            Map.entry("--drain-timeout", "gateway.transport.tcp.drain-timeout"),
            Map.entry("--policy", "gateway.policy.provider"),
            Map.entry("--discovery-srv", "gateway.discovery.dns-srv.domain"),
            Map.entry("--discovery-srv-name", "gateway.discovery.dns-srv.service-name"),
            Map.entry("--discovery-dns-server", "gateway.discovery.dns-srv.dns-servers"),
            Map.entry("--insecure-discovery", "gateway.discovery.dns-srv.insecure"),
            Map.entry("--trusted-ca-file", "gateway.discovery.dns-srv.trusted-ca-file"),
            Map.entry("--discovery", "gateway.discovery.discovery-url.url"),
            Map.entry("--sync-interval", "gateway.discovery.etcd-members.sync-interval"));

    /**
     * The discovery flags also choose the provider, as etcd's flags do: --discovery the v2
     * discovery protocol, --member-sync the member list (seeded by --discovery-srv or
     * --endpoints), --discovery-srv the SRV records, --endpoints the static list. Two flags that
     * each name where the endpoints come from are an error, rather than one silently winning.
     */
    @Override
    String transportPath() {
        return "gateway.transport.tcp";
    }

    @Override
    Map<String, String> flagKeys() {
        return FLAG_KEYS;
    }

    @Override
    List<String> deriveKeys(Map<String, Object> pathsToValues, Map<String, String> pathsToFlags) {
        List<String> sources = new ArrayList<>();
        if (discoveryUrl != null) {
            sources.add("--discovery");
        }
        if (discoverySrv != null) {
            sources.add("--discovery-srv");
        }
        if (endpoints != null) {
            sources.add("--endpoints");
        }
        if (sources.size() > 1) {
            return List.of(String.join(" and ", sources) + " each say where the endpoints come from"
                    + " (expected: one of them; --member-sync then follows the cluster from there)");
        }
        if (memberSync && discoveryUrl != null) {
            return List.of("--member-sync and --discovery (expected: one of them; the discovery URL already"
                    + " reads the members from the cluster)");
        }
        String provider;
        String flag;
        if (memberSync) {
            provider = "etcd-members";
            flag = "--member-sync";
            pathsToValues.put("gateway.discovery.etcd-members.seed", discoverySrv != null ? "dns-srv" : "static");
            pathsToFlags.put("gateway.discovery.etcd-members.seed", flag);
        } else if (!sources.isEmpty()) {
            flag = sources.get(0);
            provider = switch (flag) {
                case "--discovery" -> "discovery-url";
                case "--discovery-srv" -> "dns-srv";
                default -> "static";
            };
        } else {
            return List.of();
        }
        pathsToValues.put("gateway.discovery.provider", provider);
        pathsToFlags.put("gateway.discovery.provider", flag);
        return List.of();
    }
}
