package org.etcdgateway.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's command line.
 *
 * @param round           how long each timed round runs
 * @param warmup          the untimed run each candidate gets before a case's rounds
 * @param rounds          timed rounds per candidate and case
 * @param cases           which cases to run
 * @param idleConnections client connections for the idle case
 * @param out             where the report goes
 * @param quick           a first look: two warm-up slices for a fresh proxy, and before a later
 *                        case a warm-up run for this gateway's JVM only
 * @param help            print the usage and stop
 * @param commandLine     the arguments as given, for the report
 */
record BenchOptions(Duration round, Duration warmup, int rounds, Set<String> cases, int idleConnections, Path out,
        boolean quick, boolean help, String commandLine) {

    static final List<String> ALL_CASES = List.of("small", "bulk", "churn", "etcd", "v2", "idle");

    static final String USAGE = """
            usage: scripts/bench [--quick] [--seconds N] [--rounds N] [--cases LIST] [--idle-connections N] [--out DIR]
              --quick               1 round of 1 s per case and candidate, shorter warm-ups, 2,000 idle connections:
                                    about a minute after the build, a first look
              --seconds N           seconds per timed round (default 4)
              --rounds N            timed rounds per candidate, interleaved; figures are medians (default 3)
              --cases LIST          comma-separated, of: small, bulk, churn, etcd, v2, idle (default: all)
              --idle-connections N  client connections held in the idle case (default 10000)
              --out DIR             where report.md, chart.png and results.json go (default bench-report)""";

    static BenchOptions parse(String... args) {
        int seconds = 4;
        int rounds = 3;
        int idleConnections = 10_000;
        boolean quick = false;
        boolean help = false;
        Set<String> cases = new LinkedHashSet<>(ALL_CASES);
        Path out = Path.of("bench-report");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--help", "-h" -> help = true;
                case "--seconds" -> seconds = positive(arg, value(args, ++i, arg));
                case "--rounds" -> rounds = positive(arg, value(args, ++i, arg));
                case "--idle-connections" -> idleConnections = positive(arg, value(args, ++i, arg));
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--cases" -> cases = cases(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (quick) {
            boolean explicitSeconds = Arrays.asList(args).contains("--seconds");
            boolean explicitRounds = Arrays.asList(args).contains("--rounds");
            boolean explicitIdle = Arrays.asList(args).contains("--idle-connections");
            seconds = explicitSeconds ? seconds : 1;
            rounds = explicitRounds ? rounds : 1;
            idleConnections = explicitIdle ? idleConnections : 2_000;
        }
        Duration warmup = Duration.ofSeconds(quick ? 1 : 2);
        return new BenchOptions(Duration.ofSeconds(seconds), warmup, rounds, cases, idleConnections, out.toAbsolutePath(),
                quick, help, String.join(" ", args));
    }

    boolean wants(String id) {
        return cases.contains(id);
    }

    boolean wantsAny(String... ids) {
        return Arrays.stream(ids).anyMatch(cases::contains);
    }

    private static Set<String> cases(String list) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String id : list.split(",")) {
            String trimmed = id.trim();
            if (!ALL_CASES.contains(trimmed)) {
                throw new IllegalArgumentException("--cases: unknown case '" + trimmed + "', expected some of " + ALL_CASES);
            }
            chosen.add(trimmed);
        }
        return chosen;
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // Reported below, with what was expected.
        }
        throw new IllegalArgumentException(option + ": '" + value + "' is not a positive whole number");
    }
}
