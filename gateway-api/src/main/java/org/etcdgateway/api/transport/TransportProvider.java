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
}
