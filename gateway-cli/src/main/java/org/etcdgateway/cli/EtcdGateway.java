package org.etcdgateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code etcd-gateway}: the command line. {@code start} runs the L4 gateway, {@code proxy} the v2 HTTP proxy. */
@Command(name = "etcd-gateway",
        mixinStandardHelpOptions = true,
        versionProvider = EtcdGateway.Version.class,
        subcommands = {StartCommand.class, ProxyCommand.class},
        description = "A pluggable gateway in front of an etcd cluster: one stable local address for every application on the host.")
public final class EtcdGateway implements Runnable {

    /** Flags or configuration were wrong: nothing was started, or what was is stopped again. */
    static final int EXIT_USAGE = 2;
    /** The configuration was valid but the gateway could not start (an address in use, say). */
    static final int EXIT_START_FAILED = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Settings of the libraries that the gateway chooses differently, each unless given with
     * {@code -D} (in {@code JAVA_OPTS}). Each is read once, when the library's classes first load.
     * <ul>
     *   <li>No Netty leak detection: recording where a sample of buffers went cost 5% of the CPU
     *       per relayed request (README, Performance); the integration tests track every buffer.
     *   <li>No Netty JFR events for buffers: the first allocation would set up the JVM's flight
     *       recorder, which kept the first client waiting 130 ms after the ready line.
     *   <li>No bytecode generation in Guice: its provider methods are called by reflection, which
     *       for the few objects a start makes is quicker than generating classes for them with
     *       ASM (about 35 ms less to the ready line). The gateway uses no method interception.
     *   <li>An io_uring completion queue of 16,384 entries rather than Netty's 4,096: a fresh
     *       gateway taking 9,000 connections as fast as four client threads could open them
     *       filled the smaller one in 8 of 18 starts, which the kernel survives without losing
     *       a completion but Netty logs as a warning; with the larger one, in none of 18. It
     *       costs 192 KiB more per event loop; the idle connection pairs cost the same within
     *       noise.
     * </ul>
     */
    static final Map<String, String> LIBRARY_DEFAULTS = Map.of(
            "io.netty.leakDetection.level", "disabled",
            "io.netty.jfr.enabled", "false",
            "io.netty.iouring.cqSize", "16384",
            "guice_bytecode_gen_option", "DISABLED");

    public static void main(String[] args) {
        applyLibraryDefaults(System.getProperties());
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Sets each of {@link #LIBRARY_DEFAULTS} in {@code properties} that is not set there already. */
    static void applyLibraryDefaults(Properties properties) {
        LIBRARY_DEFAULTS.forEach(properties::putIfAbsent);
    }

    /** Runs the command line to its end and returns the process's exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new EtcdGateway())
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(EtcdGateway::badArguments);
        commandLine.getSubcommands().values().forEach(subcommand -> subcommand.setUnmatchedArgumentsAllowed(true));
        return commandLine.execute(args);
    }

    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("etcd-gateway: " + e.getMessage());
        err.println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for the flags.");
        return EXIT_USAGE;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: start (the L4 gateway) or proxy (the v2 HTTP proxy)");
    }

    /** The version the build wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = EtcdGateway.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"etcd-gateway " + properties.getProperty("version", "unknown"),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
