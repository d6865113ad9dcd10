package org.etcdgateway.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A process the tests started, with both output streams drained into memory. Closing it kills it;
 * so does the end of the test JVM ({@link ProcessReaper}).
 */
final class ChildProcess implements AutoCloseable {

    private static final Duration EXIT_AFTER_KILL = Duration.ofSeconds(10);
    private static final Duration OUTPUT_END_AFTER_EXIT = Duration.ofSeconds(2);
    private final List<String> command;
    private final Process process;
    private final OutputCollector stdout;
    private final OutputCollector stderr;

    private ChildProcess(List<String> command, Process process) {
        this.command = List.copyOf(command);
        this.process = process;
        String name = command.get(0).replaceAll(".*/", "") + "-" + process.pid();
        this.stdout = OutputCollector.drain(process.getInputStream(), name + "-stdout");
        this.stderr = OutputCollector.drain(process.getErrorStream(), name + "-stderr");
    }

    /**
     * Starts {@code command}; {@code environment} may edit the environment it inherits.
     *
     * @throws IllegalStateException when the executable cannot be started, naming it
     */
    static ChildProcess start(List<String> command, Consumer<Map<String, String>> environment) {
        ProcessBuilder builder = new ProcessBuilder(command);
        environment.accept(builder.environment());
        try {
            return new ChildProcess(command, ProcessReaper.register(builder.start()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code input} to the process's standard input on another thread, then closes it; a
     * process that does not read would otherwise block the test once the pipe is full.
     */
    void writeInputAndClose(byte[] input) {
        Thread writer = new Thread(() -> {
            try (OutputStream stream = process.getOutputStream()) {
                stream.write(input);
            } catch (IOException ignored) {
                // The process exited without reading everything; its exit code tells the test.
            }
        }, "stdin-" + process.pid());
        writer.setDaemon(true);
        writer.start();
    }

    /** Gives the process an end of input at once. */
    void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return stdout.text();
    }

    String stderr() {
        return stderr.text();
    }

    /** SIGTERM: {@link Process#destroy()} sends it on Unix. */
    void sendSigterm() {
        process.destroy();
    }

    /** The exit code, or empty when the process still runs after {@code timeout}. */
    OptionalInt waitForExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessReaper.forget(process);
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + String.join(" ", command), e);
        }
    }

    /**
     * How the process ended, once it has; {@code timedOut} when the caller gave up on it and is
     * about to kill it.
     */
    CommandResult result(boolean timedOut) {
        if (!timedOut) {
            stdout.awaitEnd(OUTPUT_END_AFTER_EXIT);
            stderr.awaitEnd(OUTPUT_END_AFTER_EXIT);
        }
        int exitCode = process.isAlive() ? -1 : process.exitValue();
        return new CommandResult(command, exitCode, stdout.text(), stderr.text(), timedOut);
    }

    /** SIGKILL, then waits for the process to be gone. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitForExit(EXIT_AFTER_KILL);
        }
        ProcessReaper.forget(process);
        stdout.awaitEnd(OUTPUT_END_AFTER_EXIT);
        stderr.awaitEnd(OUTPUT_END_AFTER_EXIT);
    }
}
