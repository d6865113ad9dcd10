package org.etcdgateway.bench;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.joining;
import static java.util.stream.Collectors.toCollection;
import static java.util.stream.Collectors.toList;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes the results of a benchmark run three ways into one directory: {@code report.md} (tables,
 * for people), {@code chart.png} (the medians as bars, for a glance) and {@code results.json}
 * (every round, for anyone who wants to compute something else from them).
 *
 * <p>Candidates are only ever compared within one case: cases differ in payload and clients, so a
 * figure from one case says nothing about a figure from another.
 */
final class Report {

    private static final String NONE = "—";
    private static final double KIB = 1024;
    private static final double MIB = 1024 * 1024;

    private static final String HOW_TO_READ = """
            Figures are medians over the rounds. *p99 added* is the row's p99 minus direct's p99 in the \
            same case. *CPU µs/req* is the proxy's user + system CPU time per request, *RSS MiB* its \
            peak resident set, *load cores* the CPU the load generator used. *vs HAProxy* and *vs etcd* \
            divide the row's req/s by HAProxy's and by etcd's own proxy's in the same case (etcd \
            gateway, or `etcd --proxy on` where the case has no etcd gateway): above 1.00x is faster. \
            The *CPU/req* ratios divide CPU time per request the same way: below 1.00x is cheaper.
            """;

    private Report() {
    }

    /**
     * Writes {@code report.md}, {@code chart.png} and {@code results.json} into {@code directory},
     * creating it if needed and replacing earlier files of those names.
     */
    static void write(Path directory, RunInfo info, List<CaseResult> cases, List<IdleResult> idle,
            List<StartupResult> startup) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("report.md"), markdown(info, cases, idle, startup));
        writePng(directory.resolve("chart.png"), Chart.render(info, cases, idle, startup));
        writeJson(directory.resolve("results.json"), new Results(info, cases, idle, startup));
    }

    /**
     * The report's tables as Markdown, for the console: one table per case (in the order the
     * cases first appear in {@code cases}) with each candidate's rounds below it, then idle memory
     * and start-up time. Sections without data are left out.
     */
    static String summary(RunInfo info, List<CaseResult> cases, List<IdleResult> idle,
            List<StartupResult> startup) {
        List<String> sections = new ArrayList<>();
        byCase(cases).forEach(rows -> sections.add(caseSection(info, rows)));
        if (!idle.isEmpty()) {
            sections.add(idleSection(idle));
        }
        if (!startup.isEmpty()) {
            sections.add(startupSection(startup));
        }
        return String.join("\n", sections);
    }

    private static String markdown(RunInfo info, List<CaseResult> cases, List<IdleResult> idle,
            List<StartupResult> startup) {
        return "# etcd gateway benchmark\n\n"
                + runInfo(info) + "\n"
                + HOW_TO_READ + "\n"
                + "![Requests/s and p99 latency per case](chart.png)\n\n"
                + summary(info, cases, idle, startup);
    }

    private static String runInfo(RunInfo info) {
        StringBuilder out = new StringBuilder()
                .append("- **Started:** ").append(info.startedAt()).append('\n')
                .append("- **Command:** ").append(code(info.command())).append('\n')
                .append("- **Machine:** ").append(info.machine()).append('\n')
                .append("- **Rounds:** ").append(info.rounds()).append(" × ").append(number(info.secondsPerRound()))
                .append(" s per candidate and case, candidates interleaved\n")
                .append("- **Event loops / HAProxy threads:** ").append(info.eventLoops()).append('\n')
                .append("- **Versions:**").append(info.versions().isEmpty() ? " " + NONE : "").append('\n');
        info.versions().forEach(version -> out.append("  - ").append(version).append('\n'));
        if (!info.notes().isEmpty()) {
            out.append("- **Notes:**\n");
            info.notes().forEach(note -> out.append("  - ").append(note).append('\n'));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- tables

    private static String caseSection(RunInfo info, List<CaseResult> rows) {
        Optional<CaseResult> direct = find(rows, Candidate.DIRECT);
        Optional<CaseResult> haproxy = find(rows, Candidate.HAPROXY);
        Optional<CaseResult> etcd = find(rows, Candidate.ETCD_GATEWAY).or(() -> find(rows, Candidate.ETCD_PROXY));
        ToDoubleFunction<CaseResult> throughput = CaseResult::requestsPerSecond;
        ToDoubleFunction<CaseResult> cpu = CaseResult::proxyCpuMicrosPerRequest;

        Table table = new Table("candidate", "req/s", "p50", "p99", "p99.9", "p99 added", "CPU µs/req", "RSS MiB",
                "load cores", "errors", "vs HAProxy", "vs etcd", "CPU/req vs HAProxy", "CPU/req vs etcd");
        for (CaseResult row : rows) {
            table.add(label(row.candidate()), count(row.requestsPerSecond()), latency(row.p50Micros()),
                    latency(row.p99Micros()), latency(row.p999Micros()), p99Added(row, direct),
                    fixed(row.proxyCpuMicrosPerRequest(), 2), mib(row.proxyPeakRssBytes()), fixed(row.loadCores(), 2),
                    count(row.errors()), ratio(row, haproxy, throughput), ratio(row, etcd, throughput),
                    ratio(row, haproxy, cpu), ratio(row, etcd, cpu));
        }
        CaseResult first = rows.get(0);
        return "## " + first.caseTitle() + " (`" + first.caseId() + "`)\n\n"
                + table.markdown() + "\n"
                + perRound(info, rows);
    }

    /** Every round's req/s in the order they ran, so that a median is never read without its spread. */
    private static String perRound(RunInfo info, List<CaseResult> rows) {
        String figures = rows.stream()
                .map(row -> row.candidate().label() + " " + orNone(row.rounds().stream()
                        .map(round -> count(round.requestsPerSecond()))
                        .collect(joining(" / "))))
                .collect(joining("; "));
        String jit = rows.stream()
                .filter(row -> row.rounds().stream().anyMatch(round -> round.proxyJitCpuSeconds() > 0))
                .map(row -> row.candidate().label() + " " + row.rounds().stream()
                        .map(round -> fixed(round.proxyJitPercent(), 0) + "%")
                        .collect(joining(" / ")))
                .collect(joining("; "));
        return "Per-round req/s (" + number(info.secondsPerRound()) + " s rounds, in run order): " + figures + "\n"
                + (jit.isEmpty() ? "" : "\nPer-round share of the proxy's CPU time that its JIT compilers took: " + jit
                        + "\n");
    }

    private static String idleSection(List<IdleResult> idle) {
        Table table = new Table("candidate", "connections", "RSS before (MiB)", "RSS after (MiB)",
                "per connection pair (KiB)");
        for (IdleResult result : idle) {
            table.add(label(result.candidate()), count(result.connections()), mib(result.rssBeforeBytes()),
                    mib(result.rssAfterBytes()), fixed(result.bytesPerConnectionPair() / KIB, 2));
        }
        return "## Idle connections\n\n"
                + "Each client connection held open and idle through the proxy, with the upstream connection "
                + "the proxy opened for it. *RSS after* is read seconds after the last pair is up, so that memory the "
                + "proxy used while they came in and has freed since (a JIT's, compiling the accept path) is not "
                + "counted.\n\n"
                + table.markdown();
    }

    private static String startupSection(List<StartupResult> startup) {
        Table table = new Table("candidate", "median (ms)", "all (ms)");
        for (StartupResult result : startup) {
            table.add(label(result.candidate()), fixed(result.medianMillis(), 1),
                    orNone(result.millis().stream().map(millis -> fixed(millis, 1)).collect(joining(", "))));
        }
        return "## Start-up\n\n"
                + "From starting the proxy's process to the first HTTP answer through it.\n\n"
                + table.markdown();
    }

    /** Our own transports in bold, so that the eye finds them first. */
    private static String label(Candidate candidate) {
        return candidate.isOurs() ? "**" + candidate.label() + "**" : candidate.label();
    }

    private static String p99Added(CaseResult row, Optional<CaseResult> direct) {
        return direct.filter(other -> other.candidate() != row.candidate())
                .map(other -> row.p99Micros() - other.p99Micros())
                .filter(Double::isFinite)
                .map(added -> (added < 0 ? "-" : "+") + latency(Math.abs(added)))
                .orElse(NONE);
    }

    /** {@code figure} of the row divided by that of {@code comparand}; a dash against itself or nothing. */
    private static String ratio(CaseResult row, Optional<CaseResult> comparand, ToDoubleFunction<CaseResult> figure) {
        return comparand.filter(other -> other.candidate() != row.candidate())
                .map(other -> figure.applyAsDouble(row) / figure.applyAsDouble(other))
                .filter(Double::isFinite)
                .map(ratio -> String.format(Locale.ROOT, "%.2fx", ratio))
                .orElse(NONE);
    }

    private static Optional<CaseResult> find(List<CaseResult> rows, Candidate candidate) {
        return rows.stream().filter(row -> row.candidate() == candidate).findFirst();
    }

    /** The results grouped by case, cases in the order they first appear. */
    private static Collection<List<CaseResult>> byCase(List<CaseResult> cases) {
        return cases.stream().collect(groupingBy(CaseResult::caseId, LinkedHashMap::new, toList())).values();
    }

    /** A Markdown table padded to line up, so that it reads as well on a console as rendered. */
    private static final class Table {

        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        Table(String... header) {
            this.header = List.of(header);
        }

        void add(String... cells) {
            rows.add(Stream.of(cells).map(cell -> cell.replace("|", "\\|")).toList());
        }

        String markdown() {
            int[] widths = IntStream.range(0, header.size())
                    .map(column -> Stream.concat(Stream.of(header), rows.stream())
                            .mapToInt(cells -> cells.get(column).length())
                            .max().orElse(0))
                    .toArray();
            StringBuilder out = new StringBuilder();
            line(out, header, widths);
            out.append('|');
            for (int column = 0; column < widths.length; column++) {
                // First column (names) left-aligned, figures right-aligned.
                String dashes = "-".repeat(widths[column] - 1);
                out.append(column == 0 ? " :" + dashes + " |" : " " + dashes + ": |");
            }
            out.append('\n');
            rows.forEach(cells -> line(out, cells, widths));
            return out.toString();
        }

        private static void line(StringBuilder out, List<String> cells, int[] widths) {
            out.append('|');
            for (int column = 0; column < widths.length; column++) {
                String padding = " ".repeat(widths[column] - cells.get(column).length());
                String cell = column == 0 ? cells.get(column) + padding : padding + cells.get(column);
                out.append(' ').append(cell).append(" |");
            }
            out.append('\n');
        }
    }

    // ---------------------------------------------------------------- formatting

    private static String count(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : NONE;
    }

    private static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : NONE;
    }

    /** Microseconds below a millisecond, milliseconds with two decimals from there on. */
    private static String latency(double micros) {
        if (!Double.isFinite(micros)) {
            return NONE;
        }
        // Compared after rounding, so that 999.7 µs reads "1.00 ms" rather than "1000 µs".
        return Math.round(Math.abs(micros)) < 1000
                ? String.format(Locale.ROOT, "%.0f µs", micros)
                : String.format(Locale.ROOT, "%.2f ms", micros / 1000);
    }

    private static String orNone(String text) {
        return text.isEmpty() ? NONE : text;
    }

    /** A Markdown code span that survives backticks in {@code text}, as a shell command may hold. */
    private static String code(String text) {
        return text.contains("`") ? "`` " + text + " ``" : "`" + text + "`";
    }

    private static String mib(long bytes) {
        return bytes < 0 ? NONE : fixed(bytes / MIB, 1);
    }

    /** A number as short as it can be written: 30, 2.5, 0.3 (not 0.30000000000000004). */
    private static String number(double value) {
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    // ---------------------------------------------------------------- files

    private static void writePng(Path file, BufferedImage image) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("No PNG writer in this JDK, cannot write " + file);
        }
    }

    /** What results.json holds: everything measured, with the conditions it was measured under. */
    private record Results(RunInfo run, List<CaseResult> cases, List<IdleResult> idle, List<StartupResult> startup) {
    }

    private static void writeJson(Path file, Results results) throws IOException {
        SimpleModule nonFiniteAsNull = new SimpleModule("non-finite doubles as null")
                .addSerializer(Double.class, NonFiniteAsNull.INSTANCE)
                .addSerializer(double.class, NonFiniteAsNull.INSTANCE);
        JsonMapper.builder()
                .addModule(nonFiniteAsNull)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build()
                .writeValue(file.toFile(), results);
    }

    /**
     * JSON has no NaN: Jackson would write it bare (invalid JSON) or as the string "NaN" (which
     * breaks readers expecting a number). A missing figure is a null.
     */
    private static final class NonFiniteAsNull extends StdSerializer<Double> {

        static final NonFiniteAsNull INSTANCE = new NonFiniteAsNull();

        private NonFiniteAsNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                generator.writeNumber(value);
            } else {
                generator.writeNull();
            }
        }
    }

    // ---------------------------------------------------------------- chart

    /** A candidate's colour in every panel of the chart: our transports in blues, etcd's in greens. */
    static Color colour(Candidate candidate) {
        return switch (candidate) {
            case DIRECT -> new Color(0xA0A0A0);
            case OURS_TCP -> new Color(0x1F66B4);
            case OURS_HTTP -> new Color(0x5DAEE8);
            case ETCD_GATEWAY -> new Color(0x2E9E44);
            case ETCD_PROXY -> new Color(0x93D07E);
            case HAPROXY -> new Color(0xF08A24);
        };
    }

    /**
     * chart.png: a header with the run's conditions, a legend, then a grid of panels, one per
     * case (requests/s above p99 latency, as horizontal bars) and one each for idle memory and
     * start-up time. A bar is a median; the thin dark marks on it are the single rounds (or
     * starts), so that the spread shows.
     */
    private static final class Chart {

        static {
            // Benchmarks run on servers and in CI, without a display for AWT to look for.
            System.setProperty("java.awt.headless", "true");
        }

        private static final int WIDTH = 1400;
        private static final int MARGIN = 24;
        private static final int COLUMNS = 2;
        private static final int GAP = 20;
        private static final int PANEL_WIDTH = (WIDTH - 2 * MARGIN - (COLUMNS - 1) * GAP) / COLUMNS;
        private static final int PAD = 16;
        private static final int PANEL_TITLE = 34;
        private static final int CHART_TITLE = 22;
        private static final int CHART_GAP = 16;
        private static final int BAR_STEP = 26;
        private static final int BAR = 16;
        private static final int AXIS = 38;
        private static final int HEADER = 100;
        private static final int LEGEND = 36;

        private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 22);
        private static final Font PANEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
        private static final Font CHART_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        private static final Font TEXT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        private static final Font OURS_FONT = TEXT_FONT.deriveFont(Font.BOLD);
        private static final Font SMALL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

        private static final Color INK = new Color(0x222222);
        private static final Color MUTED = new Color(0x6B6B6B);
        private static final Color GRID = new Color(0xE2E2E2);
        private static final Color PANEL_FILL = new Color(0xFBFBFB);
        private static final Color PANEL_BORDER = new Color(0xD4D4D4);
        private static final Color ROUND_MARK = new Color(0, 0, 0, 150);

        private final Graphics2D g;
        private final int labelWidth;

        private Chart(Graphics2D g, List<Candidate> shown) {
            this.g = g;
            this.labelWidth = shown.stream().mapToInt(candidate -> width(candidate.label(), OURS_FONT)).max().orElse(0);
        }

        static BufferedImage render(RunInfo info, List<CaseResult> cases, List<IdleResult> idle,
                List<StartupResult> startup) {
            List<Panel> panels = panels(cases, idle, startup);
            List<Candidate> shown = shown(cases, idle, startup);
            List<Integer> rowHeights = rowHeights(panels);
            int height = HEADER + LEGEND + rowHeights.stream().mapToInt(row -> row + GAP).sum() + MARGIN;

            BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, WIDTH, height);
                new Chart(g, shown).draw(info, shown, panels, rowHeights);
            } finally {
                g.dispose();
            }
            return image;
        }

        // ------------------------------------------------------------ what to draw

        private record Bar(Candidate candidate, double value, List<Double> marks) {

            Bar {
                marks = marks.stream().filter(Double::isFinite).toList();
            }

            DoubleStream extent() {
                return DoubleStream.concat(DoubleStream.of(value), marks.stream().mapToDouble(Double::doubleValue));
            }
        }

        /** Horizontal bars on one axis; bars without a figure are left out rather than drawn at 0. */
        private record BarChart(String title, String axisLabel, List<Bar> bars, DoubleFunction<String> valueText,
                DoubleFunction<String> tickText) {

            BarChart {
                bars = bars.stream().filter(bar -> Double.isFinite(bar.value())).toList();
            }

            int height() {
                return CHART_TITLE + bars.size() * BAR_STEP + AXIS;
            }
        }

        private record Panel(String title, List<BarChart> charts) {

            Panel {
                charts = charts.stream().filter(chart -> !chart.bars().isEmpty()).toList();
            }

            int height() {
                return PAD + PANEL_TITLE + charts.stream().mapToInt(chart -> chart.height() + CHART_GAP).sum()
                        - CHART_GAP + PAD;
            }
        }

        private static List<Panel> panels(List<CaseResult> cases, List<IdleResult> idle, List<StartupResult> startup) {
            List<Panel> panels = new ArrayList<>();
            byCase(cases).forEach(rows -> panels.add(casePanel(rows)));
            if (!idle.isEmpty()) {
                panels.add(idlePanel(idle));
            }
            if (!startup.isEmpty()) {
                panels.add(startupPanel(startup));
            }
            return panels.stream().filter(panel -> !panel.charts().isEmpty()).toList();
        }

        private static Panel casePanel(List<CaseResult> rows) {
            BarChart throughput = new BarChart("Requests/s — higher is better", "requests per second",
                    bars(rows, Round::requestsPerSecond), Report::count, Chart::compact);
            double slowest = rows.stream().mapToDouble(CaseResult::p99Micros).filter(Double::isFinite).max().orElse(0);
            boolean inMillis = slowest >= 1000;
            BarChart p99 = new BarChart("p99 latency — lower is better", inMillis ? "milliseconds" : "microseconds",
                    bars(rows, Round::p99Micros), Report::latency, micros -> compact(inMillis ? micros / 1000 : micros));
            return new Panel(rows.get(0).caseTitle(), List.of(throughput, p99));
        }

        private static List<Bar> bars(List<CaseResult> rows, ToDoubleFunction<Round> figure) {
            return rows.stream()
                    .map(row -> new Bar(row.candidate(), row.median(figure),
                            row.rounds().stream().mapToDouble(figure).boxed().toList()))
                    .toList();
        }

        private static Panel idlePanel(List<IdleResult> idle) {
            String held = idle.stream().map(result -> count(result.connections())).distinct().collect(joining(" / "));
            List<Bar> bars = idle.stream()
                    .map(result -> new Bar(result.candidate(), result.bytesPerConnectionPair() / KIB, List.of()))
                    .toList();
            BarChart perPair = new BarChart("Proxy memory per idle connection pair — lower is better",
                    "KiB of resident memory per client connection and its upstream one", bars,
                    kib -> fixed(kib, 2) + " KiB", Chart::compact);
            return new Panel("Idle connections (" + held + " held)", List.of(perPair));
        }

        private static Panel startupPanel(List<StartupResult> startup) {
            List<Bar> bars = startup.stream()
                    .map(result -> new Bar(result.candidate(), result.medianMillis(), result.millis()))
                    .toList();
            BarChart millis = new BarChart("Process start to first answer through it — lower is better",
                    "milliseconds (bar: median; marks: each start)", bars, ms -> fixed(ms, 1) + " ms", Chart::compact);
            return new Panel("Start-up", List.of(millis));
        }

        /** Candidates with any figure, in declaration order, for the legend. */
        private static List<Candidate> shown(List<CaseResult> cases, List<IdleResult> idle,
                List<StartupResult> startup) {
            return List.copyOf(Stream.of(cases.stream().map(CaseResult::candidate),
                            idle.stream().map(IdleResult::candidate), startup.stream().map(StartupResult::candidate))
                    .flatMap(candidates -> candidates)
                    .collect(toCollection(() -> EnumSet.noneOf(Candidate.class))));
        }

        private static List<Integer> rowHeights(List<Panel> panels) {
            List<Integer> heights = new ArrayList<>();
            for (int first = 0; first < panels.size(); first += COLUMNS) {
                heights.add(panels.subList(first, Math.min(first + COLUMNS, panels.size())).stream()
                        .mapToInt(Panel::height).max().orElseThrow());
            }
            return heights;
        }

        /** 25000 as "25k", 1500 as "1.5k", 0.5 as "0.5": tick labels, where space is short. */
        private static String compact(double value) {
            double magnitude = Math.abs(value);
            if (magnitude >= 1e6) {
                return number(value / 1e6) + "M";
            }
            return magnitude >= 1e3 ? number(value / 1e3) + "k" : number(value);
        }

        // ------------------------------------------------------------ drawing

        private void draw(RunInfo info, List<Candidate> shown, List<Panel> panels, List<Integer> rowHeights) {
            drawHeader(info);
            drawLegend(shown, HEADER);
            int y = HEADER + LEGEND;
            for (int row = 0; row < rowHeights.size(); row++) {
                for (int column = 0; column < COLUMNS && row * COLUMNS + column < panels.size(); column++) {
                    drawPanel(panels.get(row * COLUMNS + column), MARGIN + column * (PANEL_WIDTH + GAP), y,
                            rowHeights.get(row));
                }
                y += rowHeights.get(row) + GAP;
            }
        }

        private void drawHeader(RunInfo info) {
            int usable = WIDTH - 2 * MARGIN;
            text("etcd gateway benchmark", TITLE_FONT, INK, MARGIN, MARGIN + 22);
            int titleEnd = MARGIN + width("etcd gateway benchmark", TITLE_FONT);
            text("   " + info.startedAt(), TEXT_FONT, MUTED, titleEnd, MARGIN + 22);
            String conditions = info.rounds() + " rounds × " + number(info.secondsPerRound())
                    + " s per candidate and case, interleaved · " + info.eventLoops()
                    + " event loops (HAProxy: as many threads) · bars: median of the rounds,"
                    + " dark marks: the single rounds";
            text(fit(conditions, TEXT_FONT, usable), TEXT_FONT, INK, MARGIN, MARGIN + 48);
            text(fit(info.machine(), TEXT_FONT, usable), TEXT_FONT, MUTED, MARGIN, MARGIN + 68);
        }

        private void drawLegend(List<Candidate> shown, int y) {
            int x = MARGIN;
            for (Candidate candidate : shown) {
                g.setColor(colour(candidate));
                g.fillRect(x, y + 4, 16, 16);
                Font font = candidate.isOurs() ? OURS_FONT : TEXT_FONT;
                text(candidate.label(), font, INK, x + 22, middle(font, y + 12));
                x += 22 + width(candidate.label(), font) + 28;
            }
        }

        private void drawPanel(Panel panel, int x, int y, int height) {
            RoundRectangle2D frame = new RoundRectangle2D.Double(x, y, PANEL_WIDTH, height, 12, 12);
            g.setColor(PANEL_FILL);
            g.fill(frame);
            g.setColor(PANEL_BORDER);
            g.setStroke(new BasicStroke(1f));
            g.draw(frame);
            text(fit(panel.title(), PANEL_FONT, PANEL_WIDTH - 2 * PAD), PANEL_FONT, INK, x + PAD, y + PAD + 16);
            // One right edge for all of a panel's axes, so that its charts line up.
            int plotRight = x + PANEL_WIDTH - PAD - panel.charts().stream().mapToInt(this::valueWidth).max().orElse(0)
                    - 12;
            int chartY = y + PAD + PANEL_TITLE;
            for (BarChart chart : panel.charts()) {
                drawChart(chart, x + PAD, chartY, plotRight);
                chartY += chart.height() + CHART_GAP;
            }
        }

        /** The widest figure printed next to a bar of {@code chart}. */
        private int valueWidth(BarChart chart) {
            return chart.bars().stream()
                    .mapToInt(bar -> width(chart.valueText().apply(bar.value()), TEXT_FONT)).max().orElse(0);
        }

        private void drawChart(BarChart chart, int x, int y, int plotRight) {
            text(chart.title(), CHART_FONT, INK, x, y + 14);
            int top = y + CHART_TITLE;
            int bottom = top + chart.bars().size() * BAR_STEP;
            int labelRight = x + labelWidth;
            Axis axis = Axis.spanning(chart.bars(), labelRight + 12, plotRight);

            drawAxis(chart, axis, top, bottom);
            for (int i = 0; i < chart.bars().size(); i++) {
                drawBar(chart, chart.bars().get(i), axis, labelRight, top + i * BAR_STEP + BAR_STEP / 2);
            }
        }

        private void drawAxis(BarChart chart, Axis axis, int top, int bottom) {
            g.setStroke(new BasicStroke(1f));
            for (double tick : axis.ticks()) {
                int tickX = axis.x(tick);
                g.setColor(GRID);
                g.drawLine(tickX, top, tickX, bottom);
                centred(chart.tickText().apply(tick), SMALL_FONT, MUTED, tickX, bottom + 14);
            }
            g.setColor(MUTED);
            g.drawLine(axis.x(0), top, axis.x(0), bottom);
            g.drawLine(axis.left(), bottom, axis.right(), bottom);
            centred(chart.axisLabel(), SMALL_FONT, MUTED, (axis.left() + axis.right()) / 2, bottom + 31);
        }

        private void drawBar(BarChart chart, Bar bar, Axis axis, int labelRight, int middle) {
            Font labelFont = bar.candidate().isOurs() ? OURS_FONT : TEXT_FONT;
            String label = bar.candidate().label();
            text(label, labelFont, INK, labelRight - width(label, labelFont), middle(labelFont, middle));

            int zero = axis.x(0);
            int end = axis.x(bar.value());
            g.setColor(colour(bar.candidate()));
            g.fillRect(Math.min(zero, end), middle - BAR / 2, Math.abs(end - zero), BAR);

            g.setColor(ROUND_MARK);
            g.setStroke(new BasicStroke(2f));
            int rightmost = Math.max(zero, end);
            for (double mark : bar.marks()) {
                int markX = axis.x(mark);
                g.drawLine(markX, middle - BAR / 2 - 2, markX, middle + BAR / 2 + 2);
                rightmost = Math.max(rightmost, markX);
            }
            text(chart.valueText().apply(bar.value()), TEXT_FONT, INK, rightmost + 6, middle(TEXT_FONT, middle));
        }

        /** A linear scale from a round number at or below 0 to one at or above every figure. */
        private record Axis(double min, double max, double step, int left, int right) {

            static Axis spanning(List<Bar> bars, int left, int right) {
                double low = Math.min(0, bars.stream().flatMapToDouble(Bar::extent).min().orElse(0));
                double high = Math.max(0, bars.stream().flatMapToDouble(Bar::extent).max().orElse(0));
                double step = niceStep(high > low ? (high - low) / 5 : 1);
                double min = Math.floor(low / step) * step;
                return new Axis(min, Math.max(Math.ceil(high / step) * step, min + step), step, left, right);
            }

            /** 1, 2, 2.5 or 5 times a power of ten, the first at or above {@code rough}. */
            private static double niceStep(double rough) {
                double power = Math.pow(10, Math.floor(Math.log10(rough)));
                double mantissa = rough / power;
                double nice = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 2.5 ? 2.5 : mantissa <= 5 ? 5 : 10;
                return nice * power;
            }

            List<Double> ticks() {
                long count = Math.round((max - min) / step);
                return IntStream.rangeClosed(0, (int) count).mapToObj(i -> min + i * step).toList();
            }

            int x(double value) {
                return left + (int) Math.round((value - min) / (max - min) * (right - left));
            }
        }

        // ------------------------------------------------------------ text

        private void text(String text, Font font, Color colour, int x, int baseline) {
            g.setFont(font);
            g.setColor(colour);
            g.drawString(text, x, baseline);
        }

        private void centred(String text, Font font, Color colour, int centreX, int baseline) {
            text(text, font, colour, centreX - width(text, font) / 2, baseline);
        }

        private int width(String text, Font font) {
            return g.getFontMetrics(font).stringWidth(text);
        }

        /** The baseline that centres a line of {@code font} on {@code y}. */
        private int middle(Font font, int y) {
            FontMetrics metrics = g.getFontMetrics(font);
            return y + (metrics.getAscent() - metrics.getDescent()) / 2;
        }

        /** {@code text}, shortened with an ellipsis if it is wider than {@code room}. */
        private String fit(String text, Font font, int room) {
            if (width(text, font) <= room) {
                return text;
            }
            String shortened = text;
            while (!shortened.isEmpty() && width(shortened + "…", font) > room) {
                shortened = shortened.substring(0, shortened.length() - 1);
            }
            return shortened + "…";
        }
    }
}
