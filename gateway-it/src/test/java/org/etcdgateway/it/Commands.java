package org.etcdgateway.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Runs a command to its end, never longer than a bound. */
final class Commands {

    private Commands() {
    }

    /**
     * Runs {@code command} with {@code input} on its standard input (none when null) and returns
     * how it ended; kills it and reports {@link CommandResult#timedOut()} once {@code timeout}
     * has passed.
     */
    static CommandResult run(List<String> command, Consumer<Map<String, String>> environment,
            byte[] input, Duration timeout) {
        try (ChildProcess process = ChildProcess.start(command, environment)) {
            if (input == null) {
                process.closeInput();
            } else {
                process.writeInputAndClose(input);
            }
            boolean exited = process.waitForExit(timeout).isPresent();
            return process.result(!exited);
        }
    }
}
