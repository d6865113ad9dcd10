package org.etcdgateway.api.config;

import java.util.Objects;

/**
 * One thing wrong with the configuration, in terms the operator can act on.
 *
 * @param path     the full HOCON path, e.g. {@code gateway.transport.tcp.dial-timeout}
 * @param value    the offending value as written, or {@code null} when the problem is a missing value
 * @param expected what would have been accepted
 * @param origin   where the value was set (a flag, a file and line), or {@code null} when unknown
 */
public record ConfigError(String path, String value, String expected, String origin) {

    public ConfigError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(expected, "expected");
    }

    /** {@code path: "value" (expected: ...), set by origin}: one line. */
    public String message() {
        StringBuilder text = new StringBuilder(path).append(": ");
        text.append(value == null ? "missing" : "\"" + value + "\"");
        text.append(" (expected: ").append(expected).append(')');
        if (origin != null) {
            text.append(", set by ").append(origin);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
