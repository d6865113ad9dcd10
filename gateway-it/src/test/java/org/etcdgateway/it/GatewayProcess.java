package org.etcdgateway.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The gateway under test, run as users run it: {@code bin/etcd-gateway start <flags>} (or
 * {@code proxy <flags>}, the v2 proxy), with plugin jars in {@code ETCD_GATEWAY_CLASSPATH}, in a
 * process of its own (the launcher execs the JVM), from the jar the build produced. Closing it
 * kills it.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready: listening on (\\S+), endpoints");
    private static final Pattern ADMIN = Pattern.compile("; admin http://(\\S+); started in");
    /** A cold JVM on a busy 2-core machine; the bound for the ready line. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    /**
     * Two cores are shared by three etcd members, the test JVM and the gateway: a serial collector
     * and C1 only keep the gateway's JVM from competing with the rest while it starts.
     */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            // The gateway turns Netty's leak detection off for speed (EtcdGateway.main); here every
            // buffer is tracked, and close() fails a test whose gateway reported a leaked one.
            "-Dio.netty.leakDetection.level=paranoid");
    /** How Netty's leak detector starts its report of a buffer released nowhere. */
    private static final String LEAK_REPORT = "LEAK:";

    private final ChildProcess process;
    private final String listenAddress;

    private GatewayProcess(ChildProcess process, String listenAddress) {
        this.process = process;
        this.listenAddress = listenAddress;
    }

    /** Starts the gateway with {@code flags} and waits for its ready line. */
    static GatewayProcess start(String... flags) {
        return start(List.of(), List.of(flags));
    }

    /** Starts the gateway with {@code flags} and waits for its ready line. */
    static GatewayProcess start(List<String> flags) {
        return start(List.of(), flags);
    }

    /**
     * Starts the gateway with {@code extraClasspath} after its own jar (how a third-party plugin
     * is installed) and waits for its ready line.
     *
     * @throws AssertionError with the gateway's output when it exits or is not ready in time
     */
    static GatewayProcess start(List<Path> extraClasspath, List<String> flags) {
        return start("start", extraClasspath, flags);
    }

    /**
     * Starts the v2 proxy, {@code bin/etcd-gateway proxy <flags>}, and waits for its ready line.
     *
     * @throws AssertionError with the gateway's output when it exits or is not ready in time
     */
    static GatewayProcess startProxy(List<String> flags) {
        return start("proxy", List.of(), flags);
    }

    private static GatewayProcess start(String subcommand, List<Path> extraClasspath, List<String> flags) {
        List<String> withAdmin = new ArrayList<>(flags);
        if (flags.stream().noneMatch(flag -> flag.startsWith("--admin-addr"))) {
            // Gateways of one test run side by side: each takes a free port for its admin endpoint.
            withAdmin.addAll(List.of("--admin-addr", "127.0.0.1:0"));
        }
        ChildProcess process = ChildProcess.start(command(subcommand, withAdmin),
                environment -> launcherEnvironment(environment, extraClasspath));
        process.closeInput();
        try {
            String address = Poll.until("the gateway's ready line", READY_TIMEOUT, () -> {
                Matcher ready = READY.matcher(process.stderr() + process.stdout());
                if (ready.find()) {
                    return Optional.of(ready.group(1));
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the gateway exited with code " + process.result(false).exitCode()
                            + " before it was ready");
                }
                return Optional.empty();
            });
            return new GatewayProcess(process, address);
        } catch (AssertionError e) {
            String output = describe(process);
            process.close();
            throw new AssertionError(e.getMessage() + "\n" + output, e);
        }
    }

    /**
     * Runs the gateway with {@code flags} until it exits by itself, for flags it must refuse;
     * {@link CommandResult#timedOut()} when it was still running after {@code timeout}.
     */
    static CommandResult runUntilExit(List<String> flags, Duration timeout) {
        return Commands.run(command("start", flags), environment -> launcherEnvironment(environment, List.of()), null, timeout);
    }

    private static List<String> command(String subcommand, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.add(subcommand);
        command.addAll(flags);
        return command;
    }

    /** What the launcher reads: which java, which jar, which plugins, which JVM flags. */
    private static void launcherEnvironment(Map<String, String> environment, List<Path> extraClasspath) {
        environment.put("JAVA", javaExecutable());
        environment.put("ETCD_GATEWAY_JAR", gatewayJar().toString());
        environment.put("JAVA_OPTS", String.join(" ", JVM_OPTIONS));
        environment.remove("ETCD_GATEWAY_CLASSPATH");
        if (!extraClasspath.isEmpty()) {
            environment.put("ETCD_GATEWAY_CLASSPATH", extraClasspath.stream()
                    .map(path -> path.toAbsolutePath().toString())
                    .collect(Collectors.joining(File.pathSeparator)));
        }
    }

    /** The repository's launcher, as surefire passes it in {@code gateway.launcher}. */
    static Path launcher() {
        String property = System.getProperty("gateway.launcher");
        if (property == null || property.isBlank()) {
            throw new IllegalStateException("the system property gateway.launcher is not set; run the tests with Maven"
                    + " (mvn -B -pl gateway-it verify), which passes it");
        }
        Path launcher = Path.of(property);
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("the launcher " + launcher + " is missing or not executable");
        }
        return launcher;
    }

    /** The jar the build made, as surefire passes it in {@code gateway.jar}. */
    static Path gatewayJar() {
        String property = System.getProperty("gateway.jar");
        if (property == null || property.isBlank()) {
            throw new IllegalStateException("the system property gateway.jar is not set; run the tests with Maven"
                    + " (mvn -B -pl gateway-it verify), which passes it");
        }
        Path jar = Path.of(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the gateway jar " + jar + " does not exist; build it first:"
                    + " mvn -q -B install -DskipTests");
        }
        return jar;
    }

    /** The same java that runs the tests. */
    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The bound address from the ready line: {@code host:port}. */
    String listenAddress() {
        return listenAddress;
    }

    /** The admin endpoint named in the ready line. */
    AdminEndpoint admin() {
        Matcher admin = ADMIN.matcher(process.stderr() + process.stdout());
        if (!admin.find()) {
            throw new AssertionError("the ready line names no admin endpoint\n" + output());
        }
        return new AdminEndpoint(admin.group(1));
    }

    /** SIGHUP: the gateway reads its configuration file again. */
    void sendSighup() {
        CommandResult result = Commands.run(List.of("kill", "-HUP", Long.toString(pid())), environment -> {
        }, null, Duration.ofSeconds(5));
        if (!result.succeeded()) {
            throw new AssertionError("cannot send SIGHUP to the gateway: " + result.describe());
        }
    }

    /** The host part of {@link #listenAddress()}, without IPv6 brackets. */
    String host() {
        String host = listenAddress.substring(0, listenAddress.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    int port() {
        return Integer.parseInt(listenAddress.substring(listenAddress.lastIndexOf(':') + 1));
    }

    /** Everything the gateway wrote so far, standard error then standard output. */
    String output() {
        return describe(process);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The JVM's process ID: the launcher execs java, so it is the process this class started. */
    long pid() {
        return process.pid();
    }

    void sendSigterm() {
        process.sendSigterm();
    }

    /**
     * The exit code.
     *
     * @throws AssertionError with the gateway's output when it still runs after {@code timeout}
     */
    int waitForExit(Duration timeout) {
        OptionalInt exitCode = process.waitForExit(timeout);
        if (exitCode.isEmpty()) {
            throw new AssertionError("the gateway still runs " + timeout.toMillis() + " ms later\n" + output());
        }
        return exitCode.getAsInt();
    }

    /**
     * Kills the gateway.
     *
     * @throws AssertionError when the gateway reported a leaked buffer
     */
    @Override
    public void close() {
        process.close();
        if (process.stderr().contains(LEAK_REPORT) || process.stdout().contains(LEAK_REPORT)) {
            throw new AssertionError("the gateway leaked a buffer\n" + output());
        }
    }

    private static String describe(ChildProcess process) {
        return "gateway (pid " + process.pid() + ", " + (process.isAlive() ? "running" : "exited") + ")"
                + "\n-- stderr --\n" + process.stderr() + "\n-- stdout --\n" + process.stdout();
    }
}
