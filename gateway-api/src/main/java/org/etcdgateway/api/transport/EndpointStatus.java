package org.etcdgateway.api.transport;

import java.util.Objects;
import org.etcdgateway.api.Endpoint;

/**
 * What a transport knows of one endpoint at one moment: what the admin endpoint's
 * {@code /endpoints} shows an operator.
 *
 * @param endpoint          the endpoint, with the discovery source it came from
 * @param usable            whether new connections or requests may go to it now
 * @param health            the health checks' verdict
 * @param activeConnections connections to it open now
 * @param lastError         why its last dial or health check failed, or null when none has
 */
public record EndpointStatus(Endpoint endpoint, boolean usable, Health health, int activeConnections, String lastError) {

    /** The health checks' verdict on an endpoint. */
    public enum Health {
        /** Health checks are off: only failed dials take the endpoint out. */
        UNCHECKED,
        /** No check has finished yet; the endpoint is used meanwhile. */
        UNKNOWN,
        HEALTHY,
        UNHEALTHY
    }

    public EndpointStatus {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(health, "health");
    }
}
