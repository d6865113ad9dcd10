package org.etcdgateway.api;

/** Thrown when a configuration names a provider that no registry knows. */
public final class UnknownProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message says which name was asked for, which exist and how to add one */
    public UnknownProviderException(String message) {
        super(message);
    }
}
