package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineLayoutTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("org.etcdgateway.cli.Gateway");

    @Test
    void writesTheGatewaysLogLine() {
        LineLayout layout = new LineLayout(ZoneId.of("UTC"));
        LoggingEvent event = event(Instant.parse("2026-12-02T03:05:07.041Z"), Level.INFO, "ready: {}", null, "listening");

        assertThat(layout.doLayout(event)).isEqualTo("2026-12-02T03:05:07.041Z INFO  Gateway: ready: listening" + System.lineSeparator());
    }

    @Test
    void namesTheZonesOffsetAndPadsEveryField() {
        LineLayout layout = new LineLayout(ZoneId.of("America/Sao_Paulo"));
        LoggingEvent event = event(Instant.parse("2026-01-02T03:04:05.006Z"), Level.WARN, "w", null);

        assertThat(layout.doLayout(event)).startsWith("2026-01-02T00:04:05.006-03:00 WARN  Gateway: w");
    }

    @Test
    void appendsTheStackTraceOfAnException() {
        LineLayout layout = new LineLayout(ZoneId.of("UTC"));
        LoggingEvent event = event(Instant.now(), Level.ERROR, "failed", new IOException("broken pipe"));

        assertThat(layout.doLayout(event)).contains(" ERROR Gateway: failed" + System.lineSeparator()
                        + "java.io.IOException: broken pipe" + System.lineSeparator() + "\tat org.etcdgateway.cli.LineLayoutTest.")
                .endsWith(System.lineSeparator());
    }

    /** Line for line what the logback pattern it stands for gives, in this machine's zone, across second boundaries. */
    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Kolkata", "America/New_York"})
    void writesWhatThePatternWouldHave(String zone) {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            PatternLayout pattern = new PatternLayout();
            pattern.setContext(context);
            pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n");
            pattern.start();
            LineLayout layout = new LineLayout(ZoneId.of(zone));
            Instant start = Instant.parse("2026-03-08T06:59:59.998Z");
            for (long millis : new long[] {0, 1, 2, 3, 10, 999, 1_000, 3_600_000}) {
                for (Level level : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR}) {
                    LoggingEvent event = event(start.plusMillis(millis), level, "message {}", null, millis);
                    assertThat(layout.doLayout(event)).isEqualTo(pattern.doLayout(event));
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    private LoggingEvent event(Instant time, Level level, String message, Throwable thrown, Object... arguments) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, arguments);
        event.setTimeStamp(time.toEpochMilli());
        return event;
    }
}
