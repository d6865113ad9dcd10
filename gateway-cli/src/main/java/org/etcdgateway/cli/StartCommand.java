package org.etcdgateway.cli;

import ch.qos.logback.classic.LoggerContext;
import com.google.inject.Guice;
import com.google.inject.Stage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.discovery.DiscoveryRegistry;
import org.etcdgateway.api.policy.PolicyRegistry;
import org.etcdgateway.api.transport.TransportException;
import org.etcdgateway.api.transport.TransportRegistry;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code etcd-gateway start}: etcd's {@code etcd gateway start}, flag for flag, and more. */
@Command(name = "start",
        mixinStandardHelpOptions = true,
        versionProvider = EtcdGateway.Version.class,
        sortOptions = false,
        description = {"Start the L4 gateway: forward every client connection to a live etcd member.",
                "Flags override the --config file, which overrides the defaults in reference.conf."})
final class StartCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

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

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file with any of the settings in reference.conf")
    private Path configFile;

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

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<String> errors = new ArrayList<>(unmatchedArguments());

        Map<String, Object> pathsToValues = new LinkedHashMap<>();
        Map<String, String> pathsToFlags = new LinkedHashMap<>();
        FLAG_KEYS.forEach((flag, path) -> {
            Object value = spec.findOption(flag).getValue();
            if (value != null && !Boolean.FALSE.equals(value)) {
                pathsToValues.put(path, value);
                pathsToFlags.put(path, flag);
            }
        });
        errors.addAll(chooseDiscovery(pathsToValues, pathsToFlags));

        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        ConfigLoader.Result loaded = new ConfigLoader(classLoader).load(pathsToValues, pathsToFlags, configFile);
        loaded.errors().stream().map(ConfigError::message).forEach(errors::add);
        GatewayPlan plan = null;
        if (loaded.errors().isEmpty()) {
            try {
                GatewayPlan.Result parsed = GatewayPlan.parse(loaded.config(), new DiscoveryRegistry(classLoader),
                        new PolicyRegistry(classLoader), new TransportRegistry(classLoader));
                parsed.errors().stream().map(ConfigError::message).forEach(errors::add);
                plan = parsed.plan();
            } catch (IllegalStateException e) {
                // A plugin jar that cannot be loaded.
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            printErrors(err, errors);
            return EtcdGateway.EXIT_USAGE;
        }
        return run(plan, err);
    }

    private int run(GatewayPlan plan, PrintWriter err) {
        Gateway gateway = Guice.createInjector(Stage.PRODUCTION, new GatewayModule(plan)).getInstance(Gateway.class);
        try {
            gateway.start();
        } catch (TransportException e) {
            flushLogs();
            err.println("etcd-gateway: cannot start: " + e.getMessage());
            err.flush();
            return e.isConfigurationError() ? EtcdGateway.EXIT_USAGE : EtcdGateway.EXIT_START_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopGracefully(gateway), "gateway-stop"));
        // The gateway runs until SIGTERM or SIGINT starts the JVM's shutdown, which runs the hook.
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // Only the JVM's shutdown ends this process; keep waiting for it.
            }
        }
    }

    /**
     * Runs on SIGTERM or SIGINT: drains, then ends the process with status 0. A JVM stopped by a
     * signal would otherwise exit 143 (or 130); halting from the hook once the drain is done
     * reports the stop as the clean one it was.
     */
    private static void stopGracefully(Gateway gateway) {
        LoggerFactory.getLogger(StartCommand.class).info("stop requested (SIGTERM or SIGINT): stopping gracefully");
        gateway.stop();
        flushLogs();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * The discovery flags also choose the provider, as etcd's flags do: --discovery the v2
     * discovery protocol, --member-sync the member list (seeded by --discovery-srv or
     * --endpoints), --discovery-srv the SRV records, --endpoints the static list. Two flags that
     * each name where the endpoints come from are an error, rather than one silently winning.
     */
    private List<String> chooseDiscovery(Map<String, Object> pathsToValues, Map<String, String> pathsToFlags) {
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

    private List<String> unmatchedArguments() {
        List<String> errors = new ArrayList<>();
        List<String> unmatched = spec.commandLine().getUnmatchedArguments();
        List<String> known = new ArrayList<>(spec.optionsMap().keySet());
        for (int i = 0; i < unmatched.size(); i++) {
            String argument = unmatched.get(i);
            if (argument.startsWith("-")) {
                String name = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
                String suggestion = Suggestions.nearest(name, known).map(near -> "; did you mean " + near + "?")
                        .orElse("; run 'etcd-gateway start --help' for the flags");
                errors.add("unknown flag " + name + suggestion);
                boolean valueFollows = !argument.contains("=") && i + 1 < unmatched.size() && !unmatched.get(i + 1).startsWith("-");
                if (valueFollows) {
                    i++;
                }
            } else {
                errors.add("unexpected argument \"" + argument + "\" (expected: flags only, such as --endpoints 127.0.0.1:2379)");
            }
        }
        return errors;
    }

    private static void printErrors(PrintWriter err, List<String> errors) {
        StringBuilder message = new StringBuilder("etcd-gateway: ");
        if (errors.size() == 1) {
            message.append(errors.get(0));
        } else {
            message.append(errors.size()).append(" errors:");
            for (String error : errors) {
                message.append(System.lineSeparator()).append("  - ").append(error);
            }
        }
        err.println(message);
        err.flush();
    }

    private static void flushLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
