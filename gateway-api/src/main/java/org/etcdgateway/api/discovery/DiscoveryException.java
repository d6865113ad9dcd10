package org.etcdgateway.api.discovery;

/** A discovery could not find any endpoint to start with. */
public final class DiscoveryException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what was tried and what failed, for the operator */
    public DiscoveryException(String message) {
        super(message);
    }

    /** @param message what was tried and what failed, for the operator */
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
