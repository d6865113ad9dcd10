package org.etcdgateway.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real {@code etcdctl} (v3 API) pointed at one address: a member or the gateway. Every call
 * is a new process and therefore a new TCP connection, which is what the policy tests count.
 */
final class Etcdctl {

    /** Bounds etcdctl's own connection attempt; a gateway that never answers must not hang a test. */
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(2);
    /** Bounds each request once connected. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** The backstop over both, should etcdctl itself misbehave. */
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);
    private static final String PROBE_KEY = "it/member-probe";

    private final String executable;
    private final String endpoints;

    private Etcdctl(String executable, String endpoints) {
        this.executable = executable;
        this.endpoints = endpoints;
    }

    /** An etcdctl talking to {@code endpoints} ({@code host:port}, or a comma-separated list). */
    static Etcdctl at(String endpoints) {
        return new Etcdctl(Executables.require("etcdctl", "etcd-client"), endpoints);
    }

    /** Runs {@code etcdctl <arguments>} to its end. */
    CommandResult run(String... arguments) {
        return Commands.run(command(arguments), Etcdctl::environment, null, PROCESS_TIMEOUT);
    }

    /** Runs {@code etcdctl <arguments>} with {@code input} on its standard input (how {@code put} takes a large value). */
    CommandResult runWithInput(byte[] input, String... arguments) {
        return Commands.run(command(arguments), Etcdctl::environment, input, PROCESS_TIMEOUT);
    }

    /** Starts a command that runs until it is closed, such as {@code watch} or {@code lease keep-alive}. */
    ChildProcess startInBackground(String... arguments) {
        ChildProcess process = ChildProcess.start(command(arguments), Etcdctl::environment);
        process.closeInput();
        return process;
    }

    /**
     * One new session (one connection) doing a linearizable read; the member that answered it,
     * or empty when the read failed.
     */
    Optional<MemberId> servingMember() {
        CommandResult result = run("get", PROBE_KEY, "-w", "json");
        return result.succeeded() ? MemberId.findInJson(result.stdout()) : Optional.empty();
    }

    /** Like {@link #servingMember()}, failing the test with etcdctl's output when the read fails. */
    MemberId requireServingMember() {
        CommandResult result = run("get", PROBE_KEY, "-w", "json");
        if (!result.succeeded()) {
            throw new AssertionError("a read through " + endpoints + " failed:\n" + result.describe());
        }
        return MemberId.findInJson(result.stdout())
                .orElseThrow(() -> new AssertionError("no member_id in etcdctl's answer:\n" + result.describe()));
    }

    private List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(List.of(executable,
                "--endpoints", endpoints,
                "--dial-timeout", DIAL_TIMEOUT.toMillis() + "ms",
                "--command-timeout", COMMAND_TIMEOUT.toMillis() + "ms"));
        command.addAll(List.of(arguments));
        return command;
    }

    /** Only the flags count: settings from the developer's shell must not change what the tests do. */
    private static void environment(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("ETCDCTL_"));
        environment.put("ETCDCTL_API", "3");
    }
}
