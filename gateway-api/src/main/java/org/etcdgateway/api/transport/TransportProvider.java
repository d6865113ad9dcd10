package org.etcdgateway.api.transport;

import org.etcdgateway.api.Provider;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;

/**
 * Makes one kind of {@link Transport}: the extension point for how clients are served and
 * forwarded ({@code tcp} for L4, later {@code http} for L7).
 *
 * <p>Settings live under {@code gateway.transport.<name>}; the gateway chooses the provider named
 * by {@code gateway.transport.provider}. Register an implementation in
 * {@code META-INF/services/org.etcdgateway.api.transport.TransportProvider}.
 *
 * @param <S> the provider's immutable settings value
 */
public interface TransportProvider<S> extends Provider {

    /**
     * Reads and checks this provider's subtree, eagerly, at start-up and on every reload. Throws
     * every problem at once ({@link SettingsReader#throwIfInvalid()}); binds nothing.
     */
    S parseSettings(SettingsReader settings) throws InvalidConfigException;

    /** A new, not yet started transport with these settings. */
    Transport newTransport(S settings, TransportContext context);

    /**
     * Applies a reloaded configuration to {@code running}, a started transport this provider
     * made: new settings, a new (not yet started) discovery and a new policy, without dropping a
     * connection in flight. The transport starts the new discovery and, once it has, stops the old.
     *
     * @throws TransportException when a setting cannot change while the transport runs (its
     *                            listen address, say) or the new discovery cannot start; the
     *                            transport then runs on exactly as before, and the new discovery
     *                            is closed
     */
    default void reconfigure(Transport running, S settings, TransportContext context) throws TransportException {
        context.discovery().close();
        throw TransportException.misconfigured("transport " + name() + " cannot change its settings while it runs;"
                + " restart the gateway to apply them");
    }
}
