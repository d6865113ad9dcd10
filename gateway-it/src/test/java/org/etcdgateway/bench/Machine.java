package org.etcdgateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The conditions of a run: the machine and the versions of every program measured. */
final class Machine {

    private Machine() {
    }

    /** Cores, memory and kernel. */
    static String describe() {
        long memoryKilobytes = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memoryKilobytes = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // Left at 0: the report says "? GiB" rather than failing a finished run.
        }
        String memory = memoryKilobytes == 0 ? "? GiB" : String.format("%.0f GiB", memoryKilobytes / 1048576.0);
        return Runtime.getRuntime().availableProcessors() + " cores, " + memory + ", Linux "
                + firstLine(List.of("uname", "-r"));
    }

    /** One line per program: the JDK, etcd, HAProxy, wrk, nginx. */
    static List<String> versions() {
        return List.of(
                "JDK " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                firstLine(List.of("etcd", "--version")),
                firstLine(List.of("haproxy", "-v")),
                firstLine(List.of("wrk", "--version")),
                firstLine(List.of("/usr/sbin/nginx", "-v")));
    }

    private static String firstLine(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor(5, TimeUnit.SECONDS);
            return output.isEmpty() ? command.get(0) + ": (no output)" : output.lines().findFirst().orElseThrow();
        } catch (IOException e) {
            return command.get(0) + ": not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return command.get(0) + ": interrupted";
        }
    }
}
