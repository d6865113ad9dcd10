package org.etcdgateway.discovery.http;

/**
 * A server answered, but not as the protocol says: an error status, a body that is not JSON, a
 * field missing or of the wrong type. Asking the same server again will most likely not help.
 */
public final class BadAnswerException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message the request, and what was wrong with its answer */
    public BadAnswerException(String message) {
        super(message);
    }
}
