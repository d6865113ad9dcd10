package org.etcdgateway.api.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations in the two spellings operators bring: HOCON's ({@code 500ms}, {@code 30s},
 * {@code 1m}, {@code 2 minutes}) and Go's, as etcd prints and takes them ({@code 1m0s},
 * {@code 1h30m}, {@code 1.5s}, {@code 250µs}).
 */
public final class Durations {

    /** The text to put in an error's "expected" part. */
    public static final String EXPECTED = "a duration such as 500ms, 1s, 1m30s or 2 minutes";

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*([a-zµμ]*)");

    private Durations() {
    }

    /** The duration {@code text} spells, or empty when it spells none. Negative durations are not spelled. */
    public static Optional<Duration> parse(String text) {
        String input = text.trim().toLowerCase(Locale.ROOT);
        if (input.isEmpty()) {
            return Optional.empty();
        }
        Matcher matcher = PART.matcher(input);
        Duration total = Duration.ZERO;
        int position = 0;
        int parts = 0;
        while (position < input.length()) {
            if (!matcher.find(position) || matcher.start() != position) {
                return Optional.empty();
            }
            Optional<Long> nanosPerUnit = nanosPerUnit(matcher.group(2));
            if (nanosPerUnit.isEmpty() || (matcher.group(2).isEmpty() && (parts > 0 || matcher.end() < input.length()))) {
                return Optional.empty();
            }
            BigDecimal nanos = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit.get()));
            try {
                total = total.plusNanos(nanos.longValueExact());
            } catch (ArithmeticException e) {
                return Optional.empty();
            }
            parts++;
            position = matcher.end();
        }
        return Optional.of(total);
    }

    private static Optional<Long> nanosPerUnit(String unit) {
        long nanos = switch (unit) {
            case "ns", "nano", "nanos", "nanosecond", "nanoseconds" -> 1L;
            case "us", "µs", "μs", "micro", "micros", "microsecond", "microseconds" -> 1_000L;
            // HOCON reads a bare number as milliseconds.
            case "", "ms", "milli", "millis", "millisecond", "milliseconds" -> 1_000_000L;
            case "s", "second", "seconds" -> 1_000_000_000L;
            case "m", "minute", "minutes" -> 60_000_000_000L;
            case "h", "hour", "hours" -> 3_600_000_000_000L;
            case "d", "day", "days" -> 86_400_000_000_000L;
            default -> -1L;
        };
        return nanos < 0 ? Optional.empty() : Optional.of(nanos);
    }

    /** Go's spelling of a duration ({@code 1m0s}, {@code 500ms}), for log lines an etcd operator reads. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            long nanos = duration.toNanos();
            if (nanos % 1_000_000 == 0) {
                return nanos / 1_000_000 + "ms";
            }
            return nanos % 1_000 == 0 ? nanos / 1_000 + "µs" : nanos + "ns";
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        int minutes = duration.toMinutesPart();
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        BigDecimal seconds = BigDecimal.valueOf(duration.toSecondsPart())
                .add(BigDecimal.valueOf(duration.toNanosPart(), 9)).stripTrailingZeros();
        return text.append(seconds.toPlainString()).append('s').toString();
    }
}
