package org.etcdgateway.api.transport;

import java.util.List;
import org.etcdgateway.api.ProviderRegistry;

/** The installed {@link TransportProvider}s, by name. */
public final class TransportRegistry extends ProviderRegistry<TransportProvider<?>> {

    /** Every transport provider that {@code classLoader} can see through {@link java.util.ServiceLoader}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TransportRegistry(ClassLoader classLoader) {
        super((Class) TransportProvider.class, "transport", classLoader);
    }

    /** Exactly these providers. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TransportRegistry(List<? extends TransportProvider<?>> providers) {
        super((Class) TransportProvider.class, "transport", providers);
    }
}
