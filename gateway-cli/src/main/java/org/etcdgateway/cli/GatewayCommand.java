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
import picocli.CommandLine.Option;

/**
 * What every subcommand that runs a gateway does: its flags become config keys, on top of the
 * {@code --config} file and the defaults; every error is reported at once; the parsed plan is
 * assembled with Guice and run until SIGTERM.
 */
abstract class GatewayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file with any of the settings in reference.conf")
    Path configFile;

    /** The config key each of this command's flags sets. */
    abstract Map<String, String> flagKeys();

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
        flagKeys().forEach((flag, path) -> {
            Object value = spec.findOption(flag).getValue();
            if (value != null && !Boolean.FALSE.equals(value)) {
                pathsToValues.put(path, value);
                pathsToFlags.put(path, flag);
            }
        });
        errors.addAll(deriveKeys(pathsToValues, pathsToFlags));

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
