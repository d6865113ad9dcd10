package org.etcdgateway.api.discovery;

import java.util.List;
import org.etcdgateway.api.ProviderRegistry;

/** The installed {@link EndpointDiscoveryProvider}s, by name. */
public final class DiscoveryRegistry extends ProviderRegistry<EndpointDiscoveryProvider<?>> {

    /** Every discovery provider that {@code classLoader} can see through {@link java.util.ServiceLoader}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public DiscoveryRegistry(ClassLoader classLoader) {
        super((Class) EndpointDiscoveryProvider.class, "discovery", classLoader);
    }

    /** Exactly these providers. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public DiscoveryRegistry(List<? extends EndpointDiscoveryProvider<?>> providers) {
        super((Class) EndpointDiscoveryProvider.class, "discovery", providers);
    }
}
