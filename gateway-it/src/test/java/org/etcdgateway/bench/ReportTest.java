package org.etcdgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's three files, written from a small made-up run whose ratios are known in advance. */
class ReportTest {

    private static final double SECONDS = 10;
    private static final long MIB = 1024 * 1024;

    private static final RunInfo INFO = new RunInfo("2025-01-01T12:00:00Z", "scripts/bench --rounds 3",
            "8 cores, 16 GiB, Linux 6.1", List.of("JDK 17.0.15", "etcd 3.5.17", "HAProxy 2.6.12"), 3, SECONDS, 4,
            List.of("idle: 9,000 connections instead of 10,000 (open-files limit 20000)"));

    /**
     * Case "tcp": this gateway at 60,000 req/s is 1.50x HAProxy's 40,000 and 2.00x etcd gateway's
     * 30,000; at 10 µs of CPU per request it is 1.25x HAProxy's 8 µs and 0.50x etcd gateway's 20.
     * Case "http" has no etcd gateway, so etcd's figure there is {@code etcd --proxy on}'s.
     */
    private static final List<CaseResult> CASES = List.of(
            result("tcp", "Small range requests over TCP", Candidate.DIRECT, 80_000, 200, Double.NaN),
            result("tcp", "Small range requests over TCP", Candidate.OURS_TCP, 60_000, 350, 10),
            result("tcp", "Small range requests over TCP", Candidate.ETCD_GATEWAY, 30_000, 900, 20),
            result("tcp", "Small range requests over TCP", Candidate.HAPROXY, 40_000, 1_500, 8),
            result("http", "v2 keys over HTTP", Candidate.DIRECT, 20_000, 400, Double.NaN),
            result("http", "v2 keys over HTTP", Candidate.OURS_HTTP, 18_000, 600, 25),
            result("http", "v2 keys over HTTP", Candidate.ETCD_PROXY, 6_000, 2_500, 100),
            result("http", "v2 keys over HTTP", Candidate.HAPROXY, 19_000, 500, 12));

    private static final List<IdleResult> IDLE =
            List.of(new IdleResult(Candidate.OURS_TCP, 10_000, 60 * MIB, 60 * MIB + 10_000 * 2_048L));

    private static final List<StartupResult> STARTUP =
            List.of(new StartupResult(Candidate.OURS_TCP, List.of(420.0, 380.5, 401.0)));

    @TempDir
    Path directory;

    @Test
    void reportHasEveryCandidateAndTheRatiosTheFiguresGive() throws IOException {
        Report.write(directory, INFO, CASES, IDLE, STARTUP);

        String report = Files.readString(directory.resolve("report.md"));
        assertThat(report).contains("scripts/bench --rounds 3", "8 cores, 16 GiB", "etcd 3.5.17", "3 × 10 s");
        CASES.forEach(result -> assertThat(report).contains(result.candidate().label()));

        List<String> ours = cells(row(report, "Small range requests over TCP", "this gateway (tcp)"));
        assertThat(ours).containsSubsequence("60,000", "350 µs", "+150 µs", "10.00");
        assertThat(ours).endsWith("1.50x", "2.00x", "1.25x", "0.50x");

        List<String> haproxy = cells(row(report, "Small range requests over TCP", "HAProxy (tcp)"));
        assertThat(haproxy).contains("1.50 ms", "+1.30 ms").endsWith("—", "1.33x", "—", "0.40x");

        List<String> direct = cells(row(report, "Small range requests over TCP", "direct"));
        assertThat(direct.get(5)).as("p99 added").isEqualTo("—");
        assertThat(direct.get(6)).as("CPU µs/req").isEqualTo("—");
        assertThat(direct.get(7)).as("RSS").isEqualTo("—");
        assertThat(direct).endsWith("2.00x", "2.67x", "—", "—");

        // No etcd gateway in this case: etcd's own figure is the v2 proxy's, 6,000 req/s.
        assertThat(cells(row(report, "v2 keys over HTTP", "this gateway (http)"))).endsWith("0.95x", "3.00x", "2.08x",
                "0.25x");

        assertThat(report).contains("Per-round req/s (10 s rounds, in run order): direct 78,000 / 80,000 / 82,000;");
        assertThat(report).contains("Per-round share of the proxy's CPU time that its JIT compilers took:"
                + " this gateway (tcp) 6% / 3% / 0%\n");
        assertThat(cells(row(report, "Idle connections", "this gateway (tcp)")))
                .containsExactly("**this gateway (tcp)**", "10,000", "60.0", "79.5", "2.00");
        assertThat(cells(row(report, "Start-up", "this gateway (tcp)")))
                .containsExactly("**this gateway (tcp)**", "401.0", "420.0, 380.5, 401.0");
    }

    @Test
    void summaryIsTheReportsTablesWithoutItsHeading() {
        String summary = Report.summary(INFO, CASES, IDLE, STARTUP);

        assertThat(summary).doesNotContain("# etcd gateway benchmark", "chart.png")
                .contains("## Small range requests over TCP (`tcp`)", "## v2 keys over HTTP (`http`)",
                        "## Idle connections", "## Start-up");
        assertThat(summary.indexOf("(`tcp`)")).isLessThan(summary.indexOf("(`http`)"));
    }

    @Test
    void sectionsWithoutDataAreLeftOut() throws IOException {
        List<CaseResult> withoutComparands = CASES.subList(0, 2);

        Report.write(directory, INFO, withoutComparands, List.of(), List.of());

        String report = Files.readString(directory.resolve("report.md"));
        assertThat(report).doesNotContain("## Idle connections", "## Start-up", "## v2 keys");
        assertThat(cells(row(report, "Small range requests over TCP", "this gateway (tcp)")))
                .endsWith("—", "—", "—", "—");
        assertThat(ImageIO.read(directory.resolve("chart.png").toFile()).getWidth()).isEqualTo(1400);
    }

    @Test
    void resultsJsonHoldsEveryRoundWithNullForMissingFigures() throws IOException {
        Report.write(directory, INFO, CASES, IDLE, STARTUP);

        JsonNode results = new ObjectMapper().readTree(directory.resolve("results.json").toFile());
        assertThat(results.at("/run/rounds").asInt()).isEqualTo(3);
        assertThat(results.at("/run/versions")).hasSize(3);
        assertThat(results.get("cases")).hasSize(CASES.size());
        assertThat(StreamSupport.stream(results.get("cases").spliterator(), false)
                .mapToInt(result -> result.get("rounds").size()).sum()).isEqualTo(24);

        JsonNode direct = results.at("/cases/0");
        assertThat(direct.get("candidate").asText()).isEqualTo("DIRECT");
        assertThat(direct.at("/rounds/0/proxyCpuSeconds").isNull()).isTrue();
        assertThat(direct.at("/rounds/0/proxyPeakRssBytes").asLong()).isEqualTo(-1);
        assertThat(results.at("/cases/1/rounds/1/requests").asLong()).isEqualTo(600_000);
        assertThat(results.at("/idle/0/connections").asInt()).isEqualTo(10_000);
        assertThat(results.at("/startup/0/millis")).hasSize(3);
    }

    @Test
    void chartIsAWideImageWithSomethingDrawnOnIt() throws IOException {
        Report.write(directory, INFO, CASES, IDLE, STARTUP);

        BufferedImage chart = ImageIO.read(directory.resolve("chart.png").toFile());
        assertThat(chart.getWidth()).isEqualTo(1400);
        assertThat(chart.getHeight()).isGreaterThan(400);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < chart.getHeight(); y += 3) {
            for (int x = 0; x < chart.getWidth(); x += 3) {
                colours.add(chart.getRGB(x, y));
            }
        }
        assertThat(colours).as("distinct colours sampled").hasSizeGreaterThan(20);
        assertThat(colours).as("every candidate's colour is on a bar or in the legend")
                .contains(Report.colour(Candidate.OURS_TCP).getRGB(), Report.colour(Candidate.HAPROXY).getRGB(),
                        Report.colour(Candidate.ETCD_PROXY).getRGB());
    }

    /**
     * Three rounds around the given medians: req/s at -2.5%, 0, +2.5%; p50 at 60% and p99.9 at
     * 300% of p99; CPU time that makes exactly {@code cpuMicrosPerRequest} per request.
     */
    private static CaseResult result(String caseId, String title, Candidate candidate, long requestsPerSecond,
            double p99Micros, double cpuMicrosPerRequest) {
        List<Round> rounds = new ArrayList<>();
        double[] factors = {0.975, 1.0, 1.025};
        for (int i = 0; i < factors.length; i++) {
            long requests = Math.round(requestsPerSecond * SECONDS * factors[i]);
            long rss = candidate.isProxy() ? 50 * MIB : -1;
            double cpuSeconds = cpuMicrosPerRequest * requests / 1e6;
            // This gateway's JVM is still compiling in the first rounds: 6%, 3%, 0% of its CPU.
            double jitSeconds = candidate.isOurs() ? cpuSeconds * (2 - i) * 0.03 : candidate.isProxy() ? 0 : Double.NaN;
            rounds.add(new Round(requests, 0, SECONDS, p99Micros * 0.6, p99Micros * factors[i], p99Micros * 3,
                    cpuSeconds, rss, 2.5 * SECONDS, jitSeconds));
        }
        return new CaseResult(caseId, title, candidate, rounds);
    }

    /** The table line of {@code label} in the section headed {@code heading}. */
    private static String row(String report, String heading, String label) {
        String section = report.substring(report.indexOf("## " + heading));
        int end = section.indexOf("\n## ", 1);
        return (end < 0 ? section : section.substring(0, end)).lines()
                .filter(line -> line.matches("\\| (\\*\\*)?" + Pattern.quote(label) + "(\\*\\*)? .*"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + label + " under " + heading + ":\n" + report));
    }

    private static List<String> cells(String row) {
        return List.of(row.substring(1, row.length() - 1).split("\\|")).stream().map(String::strip).toList();
    }
}
