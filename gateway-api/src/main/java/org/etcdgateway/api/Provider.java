package org.etcdgateway.api;

/**
 * What every provider of every SPI has in common: a name to be chosen by, a priority to break
 * ties, and a way to say it cannot run here.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}, so an implementation needs a
 * public no-argument constructor and a line in {@code META-INF/services/<SPI interface name>}.
 * The constructor should do no work: the registry creates every provider it finds, including
 * ones that are never chosen.
 */
public interface Provider {

    /**
     * The name the configuration chooses this provider by, the same word in HOCON and in flags.
     * Lower case, {@code [a-z][a-z0-9-]*}; for example {@code round-robin}.
     */
    String name();

    /**
     * When two available providers share a name, the one with the higher priority wins. The
     * gateway's own providers use 5; use a higher number to replace one of them.
     */
    default int priority() {
        return 5;
    }

    /**
     * False when this provider cannot run here (a missing native library, an unsupported OS).
     * An unavailable provider is left out of its registry as if it were not installed.
     */
    default boolean isAvailable() {
        return true;
    }
}
