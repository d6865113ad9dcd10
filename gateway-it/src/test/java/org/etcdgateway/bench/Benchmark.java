package org.etcdgateway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import org.etcdgateway.it.EtcdCluster;

/**
 * The benchmark: this gateway side by side with what operators would otherwise run (etcd's L4
 * gateway, HAProxy in TCP mode, etcd's v2 proxy) and with no proxy at all, in one run on
 * loopback. Candidates take turns (A B C A B C ...) and each figure is the median of the rounds,
 * so that a shared, noisy machine slows them all alike. Writes {@code report.md},
 * {@code chart.png} and {@code results.json} and prints the tables.
 *
 * <p>Run it with {@code scripts/bench}, which installs the tools and builds what it needs.
 */
public final class Benchmark {

    private static final PrintStream out = System.out;
    private static final int JETCD_IN_FLIGHT = 32;
    private static final Duration JETCD_CLIENT_WARMUP = Duration.ofMillis(500);
    private static final Duration QUICK_JETCD_CLIENT_WARMUP = Duration.ofMillis(200);
    private static final int MIN_WARMUP_SLICES = 3;
    private static final int MAX_WARMUP_SLICES = 8;
    /**
     * Programs that compile nothing at run time: two slices, the fewest that can show a steady
     * rate, and three at most, as what varies between their slices is the members' noise, not
     * their own warming (in one run etcd's gateway took six: 4,514, 5,021, 5,343, 4,853, 4,392 and
     * 4,340 JSON range requests a second at 50 to 62 µs each, with no trend).
     */
    private static final int MIN_NATIVE_WARMUP_SLICES = 2;
    private static final int MAX_NATIVE_WARMUP_SLICES = 3;
    private static final int QUICK_WARMUP_SLICES = 2;
    /**
     * A new case's traffic (one gRPC connection after 64 JSON ones, a dial per request after
     * keep-alive) makes C2 compile again: in the first round of the jetcd cases this gateway's CPU
     * per request was up to twice that of the rounds after it, and its compiler threads took 45 to
     * 70% of its CPU for the first four 2 s slices of jetcd puts. So this gateway, warmed already
     * by a case before, warms again until steady, for at least two slices and at most five.
     */
    private static final int MIN_REWARM_SLICES = 2;
    private static final int MAX_REWARM_SLICES = 5;
    /**
     * HAProxy and etcd's Go programs compile nothing at run time: a first look gives them no
     * warm-up (the backends have warmed up already, under this gateway's warm-up before them).
     */
    private static final int QUICK_NATIVE_WARMUP_SLICES = 0;
    private static final int STEADY_PERCENT = 5;
    /** The most of a slice's CPU time a JVM's JIT compilers may take for the proxy to count as steady. */
    private static final int JIT_QUIET_PERCENT = 5;
    /** For the few requests the benchmark makes to members itself (a key to read, who leads). */
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Time for lazily touched pages and deferred work to show up in an idle proxy's resident set. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration QUICK_SETTLE = Duration.ofMillis(500);
    /** Starts of each v2 proxy, besides the one measured, that only add to its start-up figures (none with --quick). */
    private static final int EXTRA_V2_STARTS = 2;
    /** After an idle proxy's connections came in, time for memory it freed meanwhile to go back to the system. */
    private static final Duration RELEASE = Duration.ofSeconds(5);

    private final BenchOptions options;
    private final Path work;
    private final Path launcher;
    private final int eventLoops;
    private final List<CaseResult> results = new ArrayList<>();
    private final List<IdleResult> idle = new ArrayList<>();
    private final Map<Candidate, List<Double>> startups = new EnumMap<>(Candidate.class);
    private final List<String> notes = new ArrayList<>();
    private final Set<ProxyProcess> warmed = new HashSet<>();
    private final long began = System.nanoTime();

    private Benchmark(BenchOptions options, Path work, Path launcher) {
        this.options = options;
        this.work = work;
        this.launcher = launcher;
        // The gateway's default: one event loop per processor. HAProxy gets as many threads.
        this.eventLoops = Runtime.getRuntime().availableProcessors();
    }

    public static void main(String[] args) throws IOException {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            out.println(BenchOptions.USAGE);
            return;
        }
        Path launcher = Path.of(System.getProperty("gateway.launcher", "bin/etcd-gateway")).toAbsolutePath();
        // Readable by all: nginx's workers run as nobody and serve the bulk file from here.
        Path work = Files.createTempDirectory("etcd-gateway-bench-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Benchmark benchmark = new Benchmark(options, work, launcher);
        benchmark.run();
        List<StartupResult> startup = benchmark.startups.entrySet().stream()
                .map(entry -> new StartupResult(entry.getKey(), entry.getValue())).toList();
        RunInfo info = new RunInfo(startedAt, options.commandLine(), Machine.describe(), Machine.versions(),
                options.rounds(), options.round().toMillis() / 1000.0, benchmark.eventLoops, benchmark.notes);
        Report.write(options.out(), info, benchmark.results, benchmark.idle, startup);
        out.println();
        out.println(Report.summary(info, benchmark.results, benchmark.idle, startup));
        out.printf("report: %s (%s, %s); took %d s; logs in %s%n", options.out().resolve("report.md"),
                "chart.png", "results.json", benchmark.elapsedSeconds(), work);
        // jetcd's and the HTTP client's threads must not keep the JVM alive.
        System.exit(0);
    }

    private void run() {
        if (options.wantsAny("small", "bulk", "churn")) {
            rawCases();
        }
        if (options.wants("idle")) {
            idleCase();
        }
        if (options.wantsAny("etcd", "v2")) {
            etcdCases();
        }
    }

    /** Cases 1 to 3: raw L4 to three nginx backends. */
    private void rawCases() {
        try (NginxBackends backends = NginxBackends.start(work, 4096)) {
            List<String> endpoints = backends.addresses();
            Map<Candidate, Target> targets = l4Targets(endpoints, endpoints.get(0));
            try {
                if (options.wants("small")) {
                    measure("small", "raw L4, small: keep-alive GETs of 6 bytes, 64 connections", targets,
                            wrk(Wrk.get(2, 64, NginxBackends.SMALL_PATH)));
                }
                if (options.wants("bulk")) {
                    measure("bulk", "raw L4, bulk: keep-alive GETs of 1 MiB, 16 connections", targets,
                            wrk(Wrk.get(2, 16, NginxBackends.BULK_PATH)));
                }
                if (options.wants("churn")) {
                    measure("churn", "connection churn: a new connection per GET (Connection: close), 64 at a time",
                            targets, wrk(Wrk.get(2, 64, NginxBackends.SMALL_PATH).withHeader("Connection", "close")));
                }
            } finally {
                closeAll(targets);
            }
        }
    }

    /** Case 6: memory of each proxy holding many idle client connections and their upstream ones. */
    private void idleCase() {
        // Each pair is two descriptors in the proxy; the proxies inherit this process's limit, and
        // etcd's gateway needs some room beyond the pairs.
        long limit = ProcStats.openFilesHardLimit();
        int connections = (int) Math.min(options.idleConnections(), (limit - 2000) / 2);
        if (connections < options.idleConnections()) {
            note(String.format("idle: %d connections instead of %d, to fit the open-files limit of %d", connections,
                    options.idleConnections(), limit));
        }
        Duration settle = options.quick() ? QUICK_SETTLE : SETTLE;
        Duration release = options.quick() ? Duration.ZERO : RELEASE;
        try (NginxBackends backends = NginxBackends.start(work, connections + 64)) {
            for (Candidate candidate : List.of(Candidate.OURS_TCP, Candidate.ETCD_GATEWAY, Candidate.HAPROXY)) {
                try (ProxyProcess proxy = startL4(candidate, backends.addresses(), connections + 64)) {
                    idle.add(IdleCase.measure(proxy, connections, settle, release));
                    out.printf("idle %-22s %s%n", candidate.label(), describe(idle.get(idle.size() - 1)));
                } catch (IllegalStateException e) {
                    // One proxy giving out must not cost the others' figures; the report says so.
                    note("idle: " + candidate.label() + " failed: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
    }

    /** Cases 4 and 5: a real 3-member etcd cluster, v3 through the L4 proxies and v2 through the HTTP ones. */
    private void etcdCases() {
        try (EtcdCluster cluster = EtcdCluster.startWithV2Api(3)) {
            List<String> members = cluster.clientEndpoints();
            String direct = cluster.clientEndpoint(0);
            if (options.wants("etcd")) {
                JetcdLoad.preload(direct, JetcdLoad.KEYS);
                Map<Candidate, Target> targets = l4Targets(members, direct);
                try {
                    String body = "{\"key\":\"" + Base64.getEncoder().encodeToString(
                            JetcdLoad.key(1).toString(StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)) + "\"}";
                    measure("etcd-range", "etcd: POST /v3/kv/range (JSON gateway), 64 connections, 3 members", targets,
                            wrk(new Wrk(2, 64, "POST", "/v3/kv/range", Map.of(), "")
                                    .withBody("POST", "application/json", body)));
                    measure("etcd-put", "etcd: jetcd gRPC puts, " + JETCD_IN_FLIGHT + " in flight, 3 members", targets,
                            jetcd(JetcdLoad.Operation.PUT));
                    measure("etcd-get", "etcd: jetcd gRPC gets, " + JETCD_IN_FLIGHT + " in flight, 3 members", targets,
                            jetcd(JetcdLoad.Operation.GET));
                } finally {
                    closeAll(targets);
                }
            }
            if (options.wants("v2")) {
                v2Put(direct, "/v2/keys/bench/v2", "value=" + "v".repeat(64));
                Map<Candidate, Target> targets = new LinkedHashMap<>();
                targets.put(Candidate.DIRECT, Target.direct(direct));
                try {
                    // etcd's proxy sends every request to one member; with the same routing the two
                    // proxies, not their choice of member, are compared. Our default, round-robin per
                    // request, spreads the load over members that run on machines of their own; here
                    // all three share the load generator's cores, where a third of the load each
                    // costs them more CPU than all of it on one. Writes go to the leader, our default.
                    note("v2 cases: this gateway's http transport runs with --policy random-sticky, the routing of etcd's "
                            + "proxy (one member takes every request), and with its default writes-to-leader: PUTs go to "
                            + "the leader, " + leaderOf(cluster) + ", where etcd's proxy sends them to its one member, which "
                            + "hands them on unless it leads; direct goes to " + cluster.clientEndpoint(0) + ". Round-robin, "
                            + "our default, would spread requests over the three members, which here share the same cores");
                    // The L4 proxies start once per group of cases, three times in all; the v2 ones
                    // start here only, right after the etcd cases, so they start twice more (and stop)
                    // first, and the report's start-up figure is a median of three for them too.
                    int extraStarts = options.quick() ? 0 : EXTRA_V2_STARTS;
                    for (int start = 1; start <= extraStarts; start++) {
                        record(oursV2Proxy(cluster, "ours-proxy-" + start)).close();
                        record(ProxyProcess.etcdV2Proxy(work, cluster.initialCluster())).close();
                    }
                    targets.put(Candidate.OURS_HTTP, Target.of(record(oursV2Proxy(cluster, "ours-proxy"))));
                    targets.put(Candidate.ETCD_PROXY, Target.of(record(ProxyProcess.etcdV2Proxy(work, cluster.initialCluster()))));
                    measure("v2-get", "v2 proxy: GET /v2/keys/bench/v2, 64 connections", targets,
                            wrk(Wrk.get(2, 64, "/v2/keys/bench/v2")));
                    measure("v2-put", "v2 proxy: PUT /v2/keys/bench/put, 64 connections", targets,
                            wrk(new Wrk(2, 64, "PUT", "/v2/keys/bench/put", Map.of(), "")
                                    .withBody("PUT", "application/x-www-form-urlencoded", "value=" + "v".repeat(64))));
                } finally {
                    closeAll(targets);
                }
            }
        }
    }

    /** This gateway's v2 proxy in front of {@code cluster}, with a data directory of its own under the work directory. */
    private ProxyProcess oursV2Proxy(EtcdCluster cluster, String dataDir) {
        return ProxyProcess.ours(Candidate.OURS_HTTP, launcher, work, "proxy", List.of("--proxy", "on",
                "--policy", "random-sticky", "--initial-cluster", cluster.initialCluster(),
                "--data-dir", work.resolve(dataDir).toString()));
    }

    /** Direct to {@code direct}, and this gateway, etcd's gateway and HAProxy in front of {@code endpoints}. */
    private Map<Candidate, Target> l4Targets(List<String> endpoints, String direct) {
        Map<Candidate, Target> targets = new LinkedHashMap<>();
        targets.put(Candidate.DIRECT, Target.direct(direct));
        try {
            for (Candidate candidate : List.of(Candidate.OURS_TCP, Candidate.ETCD_GATEWAY, Candidate.HAPROXY)) {
                targets.put(candidate, Target.of(startL4(candidate, endpoints, 4096)));
            }
        } catch (RuntimeException e) {
            closeAll(targets);
            throw e;
        }
        return targets;
    }

    private ProxyProcess startL4(Candidate candidate, List<String> endpoints, int maxConnections) {
        return record(switch (candidate) {
            // Round robin per connection, as HAProxy is set up and as etcd's gateway spreads them.
            // nginx has no /health: every L4 case checks its backends with a plain connect.
            case OURS_TCP -> ProxyProcess.ours(candidate, launcher, work, "start",
                    List.of("--endpoints", String.join(",", endpoints), "--policy", "round-robin", "--health-check", "tcp"));
            case ETCD_GATEWAY -> ProxyProcess.etcdGateway(work, endpoints);
            case HAPROXY -> ProxyProcess.haproxy(work, endpoints, eventLoops, maxConnections);
            default -> throw new IllegalArgumentException(candidate + " is not an L4 proxy");
        });
    }

    private void note(String note) {
        notes.add(note);
        out.println(note);
    }

    private ProxyProcess record(ProxyProcess proxy) {
        startups.computeIfAbsent(proxy.candidate(), candidate -> new ArrayList<>()).add(proxy.startupMillis());
        out.printf("started %s in %.0f ms%n", proxy, proxy.startupMillis());
        return proxy;
    }

    /**
     * Runs {@code load} against every target in turn, round after round, after untimed warm-up:
     * until steady for a proxy fresh from its start and for this gateway warmed by an earlier case,
     * one run for the others; records the proxy's CPU time and peak RSS around every timed run.
     */
    private void measure(String id, String title, Map<Candidate, Target> targets, Load load) {
        out.printf("%n== %s: %s (at %d s)%n", id, title, elapsedSeconds());
        for (Map.Entry<Candidate, Target> entry : targets.entrySet()) {
            Target target = entry.getValue();
            boolean fresh = target.proxy() != null && warmed.add(target.proxy());
            if (fresh) {
                warmUntilSteady(entry.getKey(), target, load);
            } else if (entry.getKey().isOurs() && !options.quick()) {
                slicesUntilSteady(entry.getKey().label() + " again for " + id, target, load, MIN_REWARM_SLICES,
                        MAX_REWARM_SLICES);
            } else if (!options.quick() || entry.getKey().isOurs() && !load.warmsItself()) {
                // The backends' first seconds are kept out of the rounds. A first look leaves that
                // out and gives only our JVM the run, whose code for this case's traffic (1 MiB
                // reads, a dial per request) may not be compiled yet.
                load.run(target.address(), options.warmup());
            }
        }
        Map<Candidate, List<Round>> rounds = new EnumMap<>(Candidate.class);
        for (int round = 1; round <= options.rounds(); round++) {
            for (Map.Entry<Candidate, Target> entry : targets.entrySet()) {
                Round figures = entry.getValue().measure(load, options.round());
                rounds.computeIfAbsent(entry.getKey(), candidate -> new ArrayList<>()).add(figures);
                out.printf("  round %d %-22s %9.0f req/s  p99 %8.0f us  cpu %6.1f us/req (JIT %3.0f%%)  errors %d%n",
                        round, entry.getKey().label(), figures.requestsPerSecond(), figures.p99Micros(),
                        figures.proxyCpuMicrosPerRequest(), figures.proxyJitPercent(), figures.errors());
            }
        }
        rounds.forEach((candidate, list) -> results.add(new CaseResult(id, title, candidate, list)));
    }

    /**
     * Warms a proxy fresh from its start until it runs at its steady rate and cost: a JVM's JIT
     * compiles for a while under load, and a gateway serves for weeks, so its warm figures are the
     * ones to compare. The rate settles within seconds, while the CPU per request (and with it
     * p99) goes on falling for as long again as C2 compiles the lukewarm paths, so both must
     * settle and the compilers must have gone quiet: runs warm-up slices until one is within
     * {@value #STEADY_PERCENT}% of the one before in requests per second and in CPU time per
     * request, with at most {@value #JIT_QUIET_PERCENT}% of the proxy's CPU time in its JIT's
     * compiler threads (HAProxy and etcd's Go programs have none). {@value #MIN_WARMUP_SLICES} to
     * {@value #MAX_WARMUP_SLICES} slices for this gateway's JVM, {@value #MIN_NATIVE_WARMUP_SLICES}
     * to {@value #MAX_NATIVE_WARMUP_SLICES} for the others; with --quick always
     * {@value #QUICK_WARMUP_SLICES} for this gateway's JVM and {@value #QUICK_NATIVE_WARMUP_SLICES}
     * for the others. Prints the slices.
     */
    private void warmUntilSteady(Candidate candidate, Target target, Load load) {
        boolean jvm = candidate.isOurs();
        int minSlices;
        int maxSlices;
        if (options.quick()) {
            minSlices = maxSlices = jvm ? QUICK_WARMUP_SLICES : QUICK_NATIVE_WARMUP_SLICES;
        } else {
            minSlices = jvm ? MIN_WARMUP_SLICES : MIN_NATIVE_WARMUP_SLICES;
            maxSlices = jvm ? MAX_WARMUP_SLICES : MAX_NATIVE_WARMUP_SLICES;
        }
        if (maxSlices == 0) {
            note("no warm-up of " + candidate.label() + " (--quick)");
            return;
        }
        slicesUntilSteady(candidate.label() + " from its start", target, load, minSlices, maxSlices);
    }

    private void slicesUntilSteady(String what, Target target, Load load, int minSlices, int maxSlices) {
        List<String> slices = new ArrayList<>();
        Round previous = null;
        boolean steady = false;
        for (int slice = 1; slice <= maxSlices && !steady; slice++) {
            Round figures = target.measure(load, options.warmup());
            slices.add(String.format("%.0f (%.1f, %.0f%%)", figures.requestsPerSecond(),
                    figures.proxyCpuMicrosPerRequest(), figures.proxyJitPercent()));
            steady = slice >= minSlices && previous != null
                    && within(figures.requestsPerSecond(), previous.requestsPerSecond())
                    && within(figures.proxyCpuMicrosPerRequest(), previous.proxyCpuMicrosPerRequest())
                    && figures.proxyJitPercent() <= JIT_QUIET_PERCENT;
            previous = figures;
        }
        note(String.format("warm-up of %s, %s s slices until one is within %d%% of the one before in"
                        + " req/s and in CPU µs/req, with at most %d%% of that CPU in JIT compilers: %s"
                        + " req/s (CPU µs/req, JIT's share)%s",
                what, options.warmup().toSeconds(), STEADY_PERCENT, JIT_QUIET_PERCENT, String.join(", ", slices),
                steady ? "" : " (not steady after " + maxSlices + ")"));
    }

    private static boolean within(double value, double previous) {
        return Math.abs(value - previous) <= previous * STEADY_PERCENT / 100.0;
    }

    private long elapsedSeconds() {
        return (System.nanoTime() - began) / 1_000_000_000L;
    }

    private Load wrk(Wrk wrk) {
        Path script = work.resolve("wrk-" + results.size() + ".lua");
        return (address, duration) -> wrk.run(address, duration, script);
    }

    private Load jetcd(JetcdLoad.Operation operation) {
        Duration clientWarmup = options.quick() ? QUICK_JETCD_CLIENT_WARMUP : JETCD_CLIENT_WARMUP;
        // Each run has a client of its own: a short warm-up keeps its connection set-up out of the
        // window, and the proxies have relayed gRPC just before, in the case before this one.
        return new Load() {
            @Override
            public LoadFigures run(String address, Duration duration) {
                return JetcdLoad.run(address, operation, JETCD_IN_FLIGHT, clientWarmup, duration);
            }

            @Override
            public boolean warmsItself() {
                return true;
            }
        };
    }

    /** The client address of the member that says it leads ({@code /v2/stats/self}), or a word on why none does. */
    private static String leaderOf(EtcdCluster cluster) {
        for (String member : cluster.clientEndpoints()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + member + "/v2/stats/self")).build();
            try {
                String self = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
                if (self.contains("\"StateLeader\"")) {
                    return member;
                }
            } catch (IOException e) {
                // Not this one; the others are asked.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return "none known";
    }

    private static void v2Put(String member, String path, String form) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + member + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("PUT " + path + " on " + member + " answered " + response.statusCode()
                        + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("PUT " + path + " on " + member + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void closeAll(Map<Candidate, Target> targets) {
        targets.values().forEach(Target::close);
    }

    private static String describe(IdleResult result) {
        return String.format("%d connections: RSS %.1f -> %.1f MiB, %.2f KiB per pair", result.connections(),
                result.rssBeforeBytes() / 1048576.0, result.rssAfterBytes() / 1048576.0,
                result.bytesPerConnectionPair() / 1024);
    }

    /** A load generator: runs against {@code host:port} for a while and says what it saw. */
    @FunctionalInterface
    interface Load {
        LoadFigures run(String address, Duration duration);

        /**
         * Whether each run warms up before its window opens, so that --quick may leave out the
         * warm-up run of a proxy an earlier case has warmed already.
         */
        default boolean warmsItself() {
            return false;
        }
    }

    /** Where a candidate's traffic goes: a proxy to measure, or straight to a backend. */
    private record Target(String address, ProxyProcess proxy) implements AutoCloseable {

        static Target direct(String address) {
            return new Target(address, null);
        }

        static Target of(ProxyProcess proxy) {
            return new Target(proxy.address(), proxy);
        }

        Round measure(Load load, Duration duration) {
            if (proxy == null) {
                return load.run(address, duration).toRound(Double.NaN, -1, Double.NaN);
            }
            proxy.checkAlive();
            ProcStats.resetPeakRss(proxy.pid());
            double cpuBefore = ProcStats.cpuSeconds(proxy.pid());
            double jitBefore = ProcStats.jitCpuSeconds(proxy.pid());
            LoadFigures figures = load.run(address, duration);
            double cpu = ProcStats.cpuSeconds(proxy.pid()) - cpuBefore;
            double jit = ProcStats.jitCpuSeconds(proxy.pid()) - jitBefore;
            proxy.checkAlive();
            return figures.toRound(cpu, ProcStats.peakRssBytes(proxy.pid()), jit);
        }

        @Override
        public void close() {
            if (proxy != null) {
                proxy.close();
            }
        }
    }
}
