package org.etcdgateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etcdgateway.it.Executables;

/**
 * The HTTP load generator: {@code wrk} with a Lua script that makes the request and, at the end,
 * prints one line of figures (requests, errors, percentiles up to p99.9, which wrk's own
 * {@code --latency} table leaves out). wrk runs under a shell whose {@code times} then prints the
 * CPU time wrk used, so that the report can show the load generator was not what ran out.
 *
 * @param threads     wrk threads
 * @param connections connections held open (or, with {@code Connection: close}, at a time)
 * @param method      the request method
 * @param path        the request path
 * @param headers     extra request headers
 * @param body        the request body, empty for none
 */
record Wrk(int threads, int connections, String method, String path, Map<String, String> headers, String body) {

    private static final Pattern FIGURES = Pattern.compile(
            "BENCH requests=(\\d+) errors=(\\d+) duration_us=(\\d+) p50=(\\d+) p99=(\\d+) p999=(\\d+)");
    /** The last line of bash's {@code times}: the children's user and system time. */
    private static final Pattern CHILD_TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s$");
    private static final Duration SLACK = Duration.ofSeconds(30);

    Wrk {
        headers = Map.copyOf(headers);
    }

    /** Keep-alive GETs of {@code path}. */
    static Wrk get(int threads, int connections, String path) {
        return new Wrk(threads, connections, "GET", path, Map.of(), "");
    }

    /** This load with one more request header. */
    Wrk withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Wrk(threads, connections, method, path, more, body);
    }

    /** This load with {@code method} and {@code body} (and its content type). */
    Wrk withBody(String method, String contentType, String body) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put("Content-Type", contentType);
        return new Wrk(threads, connections, method, path, more, body);
    }

    /**
     * Runs the load against {@code address} ({@code host:port}) for {@code duration}.
     *
     * @param script where to write the Lua script (any path of the run's work directory)
     * @throws IllegalStateException when wrk fails or prints no figures, with what it printed
     */
    LoadFigures run(String address, Duration duration, Path script) {
        write(script, luaScript());
        List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$@\"; code=$?; times; exit $code", "wrk",
                Executables.require("wrk", "wrk"),
                "-t" + threads, "-c" + connections, "-d" + Math.max(1, duration.toSeconds()) + "s",
                "--timeout", "5s", "-s", script.toString(), "http://" + address + path));
        String output = execute(command, duration.plus(SLACK));
        Matcher figures = FIGURES.matcher(output);
        // The last line `times` prints is the children's (wrk's) user time, then their system time.
        Matcher times = CHILD_TIMES.matcher(output.strip());
        if (!figures.find() || !times.find()) {
            throw new IllegalStateException("wrk printed no figures for " + address + path + ":\n" + output);
        }
        double loadCpuSeconds = minutesSeconds(times.group(1), times.group(2)) + minutesSeconds(times.group(3), times.group(4));
        return new LoadFigures(Long.parseLong(figures.group(1)), Long.parseLong(figures.group(2)),
                Long.parseLong(figures.group(3)) / 1e6, Double.parseDouble(figures.group(4)),
                Double.parseDouble(figures.group(5)), Double.parseDouble(figures.group(6)), loadCpuSeconds);
    }

    private static double minutesSeconds(String minutes, String seconds) {
        return Long.parseLong(minutes) * 60 + Double.parseDouble(seconds);
    }

    private String luaScript() {
        StringBuilder lua = new StringBuilder();
        lua.append("wrk.method = \"").append(method).append("\"\n");
        if (!body.isEmpty()) {
            lua.append("wrk.body = ").append(luaString(body)).append('\n');
        }
        headers.forEach((name, value) -> lua.append("wrk.headers[").append(luaString(name)).append("] = ")
                .append(luaString(value)).append('\n'));
        lua.append("""
                done = function(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("BENCH requests=%d errors=%d duration_us=%d p50=%d p99=%d p999=%d\\n",
                    summary.requests, e.connect + e.read + e.write + e.timeout + e.status, summary.duration,
                    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
                end
                """);
        return lua.toString();
    }

    private static String luaString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String execute(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("wrk still ran after " + timeout);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("wrk exited with code " + process.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run wrk: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while wrk ran", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
