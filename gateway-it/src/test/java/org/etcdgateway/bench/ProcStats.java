package org.etcdgateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux's {@code /proc} says of a process: CPU time over all its threads, resident memory,
 * peak resident memory (which it can reset), open descriptors.
 */
final class ProcStats {

    /** USER_HZ: the unit of {@code /proc/PID/stat}'s times, 100 on every Linux ABI. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /**
     * User plus system CPU seconds the process has used so far, all threads counted (fields 14 and
     * 15 of {@code /proc/PID/stat}).
     */
    static double cpuSeconds(long pid) {
        return threadCpuSeconds(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** Fields 14 and 15 of a process's or a thread's {@code stat} line, in seconds. */
    private static double threadCpuSeconds(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: count from after it.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * User plus system CPU seconds that the JVM's JIT compiler threads of a process have used so
     * far: the threads HotSpot names {@code C1 CompilerThreadN} and {@code C2 CompilerThreadN}
     * (the kernel keeps the first 15 characters). 0 for a process that has no such threads.
     */
    static double jitCpuSeconds(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        double seconds = 0;
        try (var threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue; // the thread ended between the listing and the read
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    seconds += threadCpuSeconds(stat);
                }
            }
        } catch (NoSuchFileException e) {
            throw gone(tasks, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid, e);
        }
        return seconds;
    }

    /** Resident set now, bytes ({@code VmRSS}). */
    static long rssBytes(long pid) {
        return statusKilobytes(pid, "VmRSS:") * 1024;
    }

    /** Peak resident set since the process started or since {@link #resetPeakRss}, bytes ({@code VmHWM}). */
    static long peakRssBytes(long pid) {
        return statusKilobytes(pid, "VmHWM:") * 1024;
    }

    /** Starts a new peak: writing 5 to {@code clear_refs} sets {@code VmHWM} to the current resident set. */
    static void resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the peak RSS of process " + pid, e);
        }
    }

    /** How many file descriptors the process holds open. */
    static int openDescriptors(long pid) {
        try (var entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the descriptors of process " + pid, e);
        }
    }

    /** The hard limit on open files of this process, which its children inherit. */
    static long openFilesHardLimit() {
        for (String line : read(Path.of("/proc/self/limits")).split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] columns = line.substring("Max open files".length()).trim().split("\\s+");
                return columns[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(columns[1]);
            }
        }
        throw new IllegalStateException("no 'Max open files' line in /proc/self/limits");
    }

    private static long statusKilobytes(long pid, String key) {
        List<String> lines = List.of(read(Path.of("/proc", Long.toString(pid), "status")).split("\n"));
        return lines.stream().filter(line -> line.startsWith(key)).findFirst()
                .map(line -> Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]))
                .orElseThrow(() -> new IllegalStateException("no " + key + " in /proc/" + pid + "/status"));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw gone(path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The error for a {@code /proc/PID/...} path that no longer exists: the process has ended. */
    private static IllegalStateException gone(Path path, NoSuchFileException cause) {
        return new IllegalStateException("process " + path.getName(1) + " is gone (" + path + ")", cause);
    }
}
