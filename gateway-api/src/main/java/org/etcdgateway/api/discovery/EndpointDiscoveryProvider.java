package org.etcdgateway.api.discovery;

import org.etcdgateway.api.Provider;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;

/**
 * Makes one kind of {@link EndpointDiscovery}: the extension point for where endpoints come from.
 *
 * <p>A provider's configuration lives under {@code gateway.discovery.<name>}; ship its defaults,
 * every key commented, in the jar's {@code reference.conf}. The gateway chooses the provider
 * named by {@code gateway.discovery.provider}. Register an implementation in
 * {@code META-INF/services/org.etcdgateway.api.discovery.EndpointDiscoveryProvider}.
 *
 * @param <S> the provider's immutable settings value
 */
public interface EndpointDiscoveryProvider<S> extends Provider {

    /**
     * Reads and checks this provider's subtree, eagerly, at start-up and on every reload. Throws
     * every problem at once ({@link SettingsReader#throwIfInvalid()}); touches no network.
     */
    S parseSettings(SettingsReader settings) throws InvalidConfigException;

    /** A new, not yet started discovery with these settings. */
    EndpointDiscovery newDiscovery(S settings, DiscoveryContext context);
}
