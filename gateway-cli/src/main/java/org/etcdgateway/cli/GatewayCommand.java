package org.etcdgateway.cli;

import ch.qos.logback.classic.LoggerContext;
import com.google.inject.Guice;
import com.google.inject.Stage;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * What every subcommand that runs a gateway does: its flags become config keys, on top of the
 * {@code --config} file and the defaults; every error is reported at once; the parsed plan is
 * assembled with Guice and run until SIGTERM. SIGHUP reads the configuration again.
 */
abstract class GatewayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file with any of the settings in reference.conf")
    Path configFile;

    @Option(names = "--plugin-dir", paramLabel = "DIR",
            description = "Load every jar in DIR, each in a class loader of its own; their providers join the installed ones by name (default: none)")
    String pluginDirectory;

    @Option(names = "--admin-addr", paramLabel = "HOST:PORT|off",
            description = "Serve /metrics, /healthz, /readyz and /endpoints here over HTTP; port 0 binds a free port; off: none (default: 127.0.0.1:23792)")
    String adminAddress;

    @Option(names = "--health-check", paramLabel = "none|tcp|http",
            description = "How each endpoint's health is checked: http asks etcd's /health, tcp only connects (default: http)")
    String healthCheck;

    @Option(names = "--health-interval", paramLabel = "DURATION",
            description = "How often each endpoint is checked (default: 2s)")
    String healthInterval;

    @Option(names = "--health-timeout", paramLabel = "DURATION",
            description = "How long one check may take; at most the interval (default: 1s)")
    String healthTimeout;

    @Option(names = "--health-rise", paramLabel = "N",
            description = "Good checks in a row that bring an unhealthy endpoint back (default: 2)")
    String healthRise;

    @Option(names = "--health-fall", paramLabel = "N",
            description = "Failed checks in a row that take a healthy endpoint out (default: 3)")
    String healthFall;

    @Option(names = "--health-grace", paramLabel = "DURATION",
            description = "How long connections to an endpoint that turned unhealthy may run on before they are closed (default: 10s)")
    String healthGrace;

    /** The config key each of this command's own flags sets. */
    abstract Map<String, String> flagKeys();

    /** The subtree of the transport this command runs, e.g. {@code gateway.transport.tcp}. */
    abstract String transportPath();

    /** The config key each flag sets: the command's own and those every command has. */
    private Map<String, String> allFlagKeys() {
        Map<String, String> keys = new LinkedHashMap<>(flagKeys());
        keys.put("--admin-addr", "gateway.admin.listen-addr");
        for (String setting : List.of("check", "interval", "timeout", "rise", "fall", "grace")) {
            keys.put("--health-" + setting, transportPath() + ".health." + setting);
        }
        return keys;
    }

    /**
     * Keys that follow from the flags as a whole (which provider the flags choose, say), added
     * to {@code pathsToValues} with their flag in {@code pathsToFlags}; returns the errors found.
     */
    abstract List<String> deriveKeys(Map<String, Object> pathsToValues, Map<String, String> pathsToFlags);

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<String> errors = new ArrayList<>(unmatchedArguments());

        Map<String, Object> pathsToValues = new LinkedHashMap<>();
        Map<String, String> pathsToFlags = new LinkedHashMap<>();
        allFlagKeys().forEach((flag, path) -> {
            Object value = spec.findOption(flag).getValue();
            if (value != null && !Boolean.FALSE.equals(value)) {
                pathsToValues.put(path, value);
                pathsToFlags.put(path, flag);
            }
        });
        errors.addAll(deriveKeys(pathsToValues, pathsToFlags));

        PluginDirectory plugins = loadPlugins(pathsToValues, pathsToFlags, errors);
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        GatewayPlan plan = null;
        Inputs inputs = null;
        try {
            InstalledProviders.Result installed = InstalledProviders.load(classLoader, plugins.jars());
            errors.addAll(installed.errors());
            inputs = new Inputs(pathsToValues, pathsToFlags, new ConfigLoader(classLoader, plugins.defaults()),
                    installed.providers());
            PlanResult parsed = plan(inputs);
            errors.addAll(parsed.errors());
            plan = parsed.plan();
        } catch (IllegalStateException e) {
            // A provider on the classpath that cannot be loaded.
            errors.add(e.getMessage());
        }
        if (!errors.isEmpty()) {
            plugins.close();
            printErrors(err, errors);
            return EtcdGateway.EXIT_USAGE;
        }
        plugins.logLoaded();
        return run(plan, inputs, err);
    }

    /** What a start read that a reload reads the same way: the flags, the plugins' defaults and the providers. */
    private record Inputs(Map<String, Object> pathsToValues, Map<String, String> pathsToFlags, ConfigLoader loader,
                          InstalledProviders providers) {
    }

    /** The plan from the flags, the --config file as it is now, and the defaults; or every error in the way. */
    private PlanResult plan(Inputs inputs) {
        ConfigLoader.Result loaded = inputs.loader().load(inputs.pathsToValues(), inputs.pathsToFlags(), configFile);
        if (!loaded.errors().isEmpty()) {
            return new PlanResult(null, loaded.errors().stream().map(ConfigError::message).toList());
        }
        GatewayPlan.Result parsed = GatewayPlan.parse(loaded.config(), inputs.providers().discoveries(),
                inputs.providers().policies(), inputs.providers().transports());
        return new PlanResult(parsed.plan(), parsed.errors().stream().map(ConfigError::message).toList());
    }

    private record PlanResult(GatewayPlan plan, List<String> errors) {
    }

    /**
     * The plugin directory's jars, before the rest of the configuration is read: their
     * reference.conf files add keys. The flag wins, else the --config file's key; the environment
     * and the defaults never set it.
     */
    private PluginDirectory loadPlugins(Map<String, Object> pathsToValues, Map<String, String> pathsToFlags,
                                        List<String> errors) {
        String directory;
        String origin;
        if (pluginDirectory != null) {
            directory = pluginDirectory;
            origin = "--plugin-dir";
            pathsToValues.put(PluginDirectory.KEY, directory);
            pathsToFlags.put(PluginDirectory.KEY, origin);
        } else {
            Optional<ConfigValue> inFile = configFile == null ? Optional.empty()
                    : ConfigLoader.valueInFile(configFile, PluginDirectory.KEY);
            if (inFile.isEmpty()) {
                return PluginDirectory.NONE;
            }
            origin = SettingsReader.describeOrigin(inFile.get());
            if (inFile.get().valueType() != ConfigValueType.STRING) {
                errors.add(new ConfigError(PluginDirectory.KEY, inFile.get().render(ConfigRenderOptions.concise()),
                        "a directory's path, a string", origin).message());
                return PluginDirectory.NONE;
            }
            directory = (String) inFile.get().unwrapped();
        }
        if (directory.isBlank()) {
            return PluginDirectory.NONE;
        }
        PluginDirectory plugins = PluginDirectory.load(Path.of(directory), origin, PluginDirectory.apiClassLoader());
        errors.addAll(plugins.errors());
        return plugins;
    }

    private int run(GatewayPlan plan, Inputs inputs, PrintWriter err) {
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
        reloadOnSighup(gateway, inputs);
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
     * SIGHUP reads the configuration again (the --config file as it is now, under the same flags)
     * and applies it, one reload at a time, on a thread of its own. A configuration with errors is
     * refused whole, each error logged, and the gateway runs on as it was.
     */
    private void reloadOnSighup(Gateway gateway, Inputs inputs) {
        ExecutorService reloads = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "gateway-reload");
            thread.setDaemon(true);
            return thread;
        });
        Signal.handle(new Signal("HUP"), signal -> reloads.execute(() -> reload(gateway, inputs)));
    }

    private void reload(Gateway gateway, Inputs inputs) {
        Logger log = LoggerFactory.getLogger(GatewayCommand.class);
        log.info("SIGHUP: reading the configuration again ({})",
                configFile == null ? "no --config file: the flags and the defaults" : configFile);
        PlanResult result;
        try {
            result = plan(inputs);
        } catch (RuntimeException e) {
            log.error("reload refused: {}; running on with the configuration from before", e.toString(), e);
            return;
        }
        if (!result.errors().isEmpty()) {
            log.error("reload refused, {} error(s); running on with the configuration from before:{}", result.errors().size(),
                    result.errors().stream().map(error -> System.lineSeparator() + "  - " + error).collect(Collectors.joining()));
            return;
        }
        try {
            gateway.reload(result.plan());
        } catch (TransportException e) {
            log.error("reload refused: {}; running on with the configuration from before", e.getMessage());
        }
    }

    /**
     * Runs on SIGTERM or SIGINT: drains, then ends the process with status 0. A JVM stopped by a
     * signal would otherwise exit 143 (or 130); halting from the hook once the drain is done
     * reports the stop as the clean one it was.
     */
    private static void stopGracefully(Gateway gateway) {
        LoggerFactory.getLogger(GatewayCommand.class).info("stop requested (SIGTERM or SIGINT): stopping gracefully");
        gateway.stop();
        flushLogs();
        System.err.flush();
        Runtime.getRuntime().halt(0);
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
                        .orElse("; run '" + spec.qualifiedName() + " --help' for the flags");
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
