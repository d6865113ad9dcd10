package org.etcdgateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * How long ago this process started, JVM boot included: what an operator waiting on it sees.
 *
 * <p>On Linux, from {@code /proc}: the process's start in clock ticks since boot against the time
 * since boot, both to the hundredth of a second. {@code ProcessHandle}'s start instant adds the
 * boot time, which Linux gives in whole seconds, so it can be up to a second off.
 */
final class ProcessAge {

    /** Linux's USER_HZ, which /proc/PID/stat counts in: 100 on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100;
    /** The start time's field in /proc/PID/stat, counted from the field after the command's closing parenthesis. */
    private static final int START_TIME_AFTER_COMMAND = 19;

    private ProcessAge() {
    }

    /** Milliseconds since the process started, or -1 when no clock says. */
    static long millis() {
        try {
            return millisFromProc(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII),
                    Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().startInstant()
                    .map(started -> Duration.between(started, Instant.now()).toMillis()).orElse(-1L);
        }
    }

    /** From the text of /proc/self/stat and /proc/uptime. */
    static long millisFromProc(String stat, String uptime) {
        // The command (field 2) is in parentheses and may hold spaces and parentheses itself.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        double startedAfterBoot = Long.parseLong(fields[START_TIME_AFTER_COMMAND]) / TICKS_PER_SECOND;
        double sinceBoot = Double.parseDouble(uptime.trim().split("\\s+")[0]);
        return Math.max(0, Math.round((sinceBoot - startedAfterBoot) * 1000));
    }
}
