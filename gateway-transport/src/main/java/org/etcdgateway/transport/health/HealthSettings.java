package org.etcdgateway.transport.health;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.config.SettingsReader;

/**
 * How a transport checks the health of its endpoints, read from the {@code health} block of the
 * transport's settings ({@code gateway.transport.tcp.health}, {@code gateway.transport.http.health}).
 * The defaults are in {@code reference.conf}.
 *
 * @param check    how one endpoint is checked
 * @param interval how often each endpoint is checked
 * @param timeout  how long one check may take, connect to answer; at most {@code interval} and 1h
 * @param rise     good checks in a row that bring an unhealthy endpoint back, 1 to 100
 * @param fall     failed checks in a row that take a healthy endpoint out, 1 to 100
 * @param grace    how long connections open to an endpoint that turned unhealthy may live on
 *                 before they are closed; zero closes them at once
 */
public record HealthSettings(Check check, Duration interval, Duration timeout, int rise, int fall, Duration grace) {

    /** How one endpoint is checked: the words of the {@code check} key and the {@code --health-check} flag. */
    public enum Check {
        /** No checks: only failed dials take an endpoint out, as in etcd's gateway. */
        NONE,
        /** A TCP connect, closed at once: tells a member that is gone, not one that is hung. */
        TCP,
        /** etcd's {@code GET /health}: tells a member that is hung, without a leader or with an alarm. */
        HTTP;

        /** The word for this check in the configuration: {@code none}, {@code tcp} or {@code http}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Netty takes a connect timeout as an int of milliseconds; a longer check is surely a typo. */
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    static final int MAX_THRESHOLD = 100;

    private static final String CHECK_EXPECTED = "none (no checks), tcp (a connect) or http (etcd's GET /health)";

    public HealthSettings {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(grace, "grace");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + Durations.format(interval) + " (expected: > 0)");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout: " + Durations.format(timeout)
                    + " (expected: > 0, <= interval (" + Durations.format(interval) + ") and <= 1h)");
        }
        requireThreshold("rise", rise);
        requireThreshold("fall", fall);
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace: " + Durations.format(grace) + " (expected: >= 0)");
        }
    }

    private static void requireThreshold(String name, int value) {
        if (value < 1 || value > MAX_THRESHOLD) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 1 to " + MAX_THRESHOLD + ")");
        }
    }

    /**
     * Reads the {@code health} block of a transport's settings: {@code health.check},
     * {@code health.interval} and so on under {@code transportSettings}' path. Every problem is
     * recorded in {@code transportSettings}, named by its full key, beside the transport's own, so
     * that one {@link SettingsReader#throwIfInvalid()} reports them all. When a problem was
     * recorded the value returned is a placeholder, as {@link SettingsReader}'s are: not to be used.
     *
     * <p>A timeout longer than the interval is cut to the interval: checks of one endpoint run
     * one after another, so a longer check would delay the next one, and a hung member would take
     * longer than {@code fall} x interval + timeout to leave. Cutting it (rather than refusing it)
     * lets {@code --health-interval 500ms} alone mean what it says.
     */
    public static HealthSettings parse(SettingsReader transportSettings) {
        Check check = parseCheck(transportSettings);
        Duration interval = transportSettings.positiveDuration("health.interval");
        Duration timeout = transportSettings.positiveDuration("health.timeout");
        boolean timeoutRead = !hasError(transportSettings, "health.timeout");
        if (timeoutRead && timeout.compareTo(MAX_TIMEOUT) > 0) {
            transportSettings.error("health.timeout", written(transportSettings, "health.timeout"), "a duration from 1ms to 1h");
        }
        int rise = transportSettings.integer("health.rise", 1, MAX_THRESHOLD);
        int fall = transportSettings.integer("health.fall", 1, MAX_THRESHOLD);
        Duration grace = transportSettings.nonNegativeDuration("health.grace");
        // Cut to the interval; or, when an error was recorded above, a placeholder.
        Duration validTimeout = min(timeout, min(interval, MAX_TIMEOUT));
        return new HealthSettings(check, interval, validTimeout, rise, fall, grace);
    }

    private static Check parseCheck(SettingsReader settings) {
        String written = settings.string("health.check");
        for (Check check : Check.values()) {
            if (check.configName().equals(written.trim().toLowerCase(Locale.ROOT))) {
                return check;
            }
        }
        if (!hasError(settings, "health.check")) {
            settings.error("health.check", written, CHECK_EXPECTED);
        }
        return Check.NONE;
    }

    /** True when reading {@code key} recorded an error already, so that it is not blamed twice. */
    private static boolean hasError(SettingsReader settings, String key) {
        return settings.errors().stream().anyMatch(error -> error.path().equals(settings.pathOf(key)));
    }

    private static String written(SettingsReader settings, String key) {
        return String.valueOf(settings.config().getValue(key).unwrapped());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
