package org.etcdgateway.transport.health;

import java.util.Objects;

/**
 * One health check's verdict on one endpoint.
 *
 * @param healthy whether the endpoint passed the check
 * @param reason  what the check saw, in one line an operator can read in a log or in
 *                {@code /endpoints}: {@code connection refused}, {@code timed out after 1s waiting
 *                for the answer to GET /health}, {@code GET /health answered 503:
 *                {"health":"false","reason":"RAFT NO LEADER"}}
 */
public record HealthResult(boolean healthy, String reason) {

    public HealthResult {
        Objects.requireNonNull(reason, "reason");
    }

    /** The endpoint passed; {@code reason} says what it answered. */
    public static HealthResult healthy(String reason) {
        return new HealthResult(true, reason);
    }

    /** The endpoint failed; {@code reason} says why. */
    public static HealthResult unhealthy(String reason) {
        return new HealthResult(false, reason);
    }
}
