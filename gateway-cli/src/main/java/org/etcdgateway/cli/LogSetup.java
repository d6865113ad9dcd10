package org.etcdgateway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.ZoneId;
import org.slf4j.Logger;

/**
 * The gateway's logging, set up in code: every line to stderr (as etcd logs), Netty's own only
 * from WARN, the level from {@code ETCD_GATEWAY_LOG_LEVEL} (default INFO; {@code debug} shows
 * each connection). Logback finds it through its {@code Configurator} service, before it would
 * look for a {@code logback.xml}: parsing one costs a tenth of a second of every start.
 *
 * <p>An operator's own file, named with {@code -Dlogback.configurationFile=...} (in
 * {@code JAVA_OPTS}), is used instead.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String LEVEL_VARIABLE = "ETCD_GATEWAY_LOG_LEVEL";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LineLayout layout = new LineLayout(ZoneId.systemDefault());
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(System.getenv(LEVEL_VARIABLE)));
        root.addAppender(stderr);
        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The level {@code value} names, INFO when unset; a value that names none is said once, on stderr. */
    static Level level(String value) {
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        Level level = Level.toLevel(value.trim(), null);
        if (level == null) {
            System.err.println("etcd-gateway: " + LEVEL_VARIABLE + "=\"" + value
                    + "\" (expected: trace, debug, info, warn, error or off); logging at info");
            return Level.INFO;
        }
        return level;
    }
}
