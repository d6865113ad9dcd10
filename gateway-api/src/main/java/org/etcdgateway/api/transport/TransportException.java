package org.etcdgateway.api.transport;

/** A transport could not start. */
public final class TransportException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean configurationError;

    /** @param message what failed, naming the address or endpoint */
    public TransportException(String message) {
        this(message, null, false);
    }

    /** @param message what failed, naming the address or endpoint */
    public TransportException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private TransportException(String message, Throwable cause, boolean configurationError) {
        super(message, cause);
        this.configurationError = configurationError;
    }

    /**
     * The configuration asks for something that can never work, found only once the transport
     * ran (an endpoint that is the gateway's own listen address): the operator must change the
     * configuration, not the environment.
     */
    public static TransportException misconfigured(String message) {
        return new TransportException(message, null, true);
    }

    /** True when the configuration, not the environment, is at fault; see {@link #misconfigured}. */
    public boolean isConfigurationError() {
        return configurationError;
    }
}
