package org.etcdgateway.api.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every problem found in one piece of configuration. Providers throw it from their settings
 * parser with all the errors they found, never just the first, so the operator fixes them in one
 * go.
 */
public final class InvalidConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    /** @param errors at least one */
    public InvalidConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::message).collect(Collectors.joining("; ")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("errors: [] (expected: at least one error)");
        }
        this.errors = List.copyOf(errors);
    }

    /** The errors, in the order they were found. */
    public List<ConfigError> errors() {
        return errors;
    }
}
