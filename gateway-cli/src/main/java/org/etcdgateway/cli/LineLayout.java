package org.etcdgateway.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The gateway's log line, {@code 2026-12-02T03:55:47.351Z INFO  Gateway: message}, then the
 * stack trace of an exception when there is one: what the pattern
 * {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n} gives, written out
 * because parsing that pattern cost 30 ms of every start.
 *
 * <p>Thread-safe: the appender calls it from every thread that logs. The date and time up to the
 * second is kept for the second it belongs to.
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {

    private final ZoneId zone;
    private volatile Second second = new Second(Long.MIN_VALUE, "", "");

    /** The text up to the second and the zone's offset for one second since the epoch. */
    private record Second(long epochSecond, String text, String offset) {
    }

    LineLayout(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(96);
        appendTime(line, event.getTimeStamp());
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int pad = level.length(); pad < 5; pad++) {
            line.append(' ');
        }
        line.append(' ');
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
        line.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }

    private void appendTime(StringBuilder line, long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000);
        Second current = second;
        if (current.epochSecond() != epochSecond) {
            current = describe(epochSecond);
            second = current;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        line.append(current.text()).append('.');
        if (millis < 100) {
            line.append(millis < 10 ? "00" : "0");
        }
        line.append(millis).append(current.offset());
    }

    private Second describe(long epochSecond) {
        ZoneOffset offset = zone.getRules().getOffset(Instant.ofEpochSecond(epochSecond));
        LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, offset);
        StringBuilder text = new StringBuilder(19);
        pad(text, time.getYear(), 4).append('-');
        pad(text, time.getMonthValue(), 2).append('-');
        pad(text, time.getDayOfMonth(), 2).append('T');
        pad(text, time.getHour(), 2).append(':');
        pad(text, time.getMinute(), 2).append(':');
        pad(text, time.getSecond(), 2);
        // ZoneOffset's id is what the pattern's XXX prints: Z, or +01:00.
        return new Second(epochSecond, text.toString(), offset.getId());
    }

    private static StringBuilder pad(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
    }
}
