package org.etcdgateway.api.transport;

/** A transport could not start. */
public final class TransportException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the address or endpoint */
    public TransportException(String message) {
        super(message);
    }

    /** @param message what failed, naming the address or endpoint */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
