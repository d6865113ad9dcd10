package org.etcdgateway.it;

import java.util.List;

/**
 * How a finished (or timed-out and killed) command ended.
 *
 * @param command  the command line, for messages
 * @param exitCode the exit code; meaningless when {@code timedOut}
 * @param stdout   everything the command wrote to standard output
 * @param stderr   everything the command wrote to standard error
 * @param timedOut true when the command was killed because it ran past its bound
 */
record CommandResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    private static final int SHOWN_CHARACTERS = 4000;

    CommandResult {
        command = List.copyOf(command);
    }

    /** Exited by itself with code 0. */
    boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** The command, how it ended and what it wrote, shortened, for assertion messages. */
    String describe() {
        String ending = timedOut ? "timed out and was killed" : "exited with code " + exitCode;
        return String.join(" ", command) + "\n  " + ending
                + "\n  stdout: " + shorten(stdout)
                + "\n  stderr: " + shorten(stderr);
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String shorten(String text) {
        if (text.length() <= SHOWN_CHARACTERS) {
            return text;
        }
        return text.substring(0, SHOWN_CHARACTERS) + "... (" + (text.length() - SHOWN_CHARACTERS) + " more characters)";
    }
}
