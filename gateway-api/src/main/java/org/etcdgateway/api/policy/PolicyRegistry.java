package org.etcdgateway.api.policy;

import java.util.List;
import org.etcdgateway.api.ProviderRegistry;

/** The installed {@link LoadBalancingPolicyProvider}s, by name. */
public final class PolicyRegistry extends ProviderRegistry<LoadBalancingPolicyProvider<?>> {

    /** Every policy provider that {@code classLoader} can see through {@link java.util.ServiceLoader}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public PolicyRegistry(ClassLoader classLoader) {
        super((Class) LoadBalancingPolicyProvider.class, "policy", classLoader);
    }

    /** Exactly these providers. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public PolicyRegistry(List<? extends LoadBalancingPolicyProvider<?>> providers) {
        super((Class) LoadBalancingPolicyProvider.class, "policy", providers);
    }
}
