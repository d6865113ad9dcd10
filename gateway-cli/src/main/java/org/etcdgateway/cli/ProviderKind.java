package org.etcdgateway.cli;

import java.util.List;
import org.etcdgateway.api.Provider;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;
import org.etcdgateway.api.transport.TransportProvider;

/**
 * One of the three SPIs a plugin may implement: its provider interface, and what one provider is
 * called in messages (the word its registry and its config subtree use).
 */
record ProviderKind(Class<? extends Provider> type, String word) {

    static final ProviderKind DISCOVERY = new ProviderKind(EndpointDiscoveryProvider.class, "discovery");
    static final ProviderKind POLICY = new ProviderKind(LoadBalancingPolicyProvider.class, "policy");
    static final ProviderKind TRANSPORT = new ProviderKind(TransportProvider.class, "transport");

    static final List<ProviderKind> ALL = List.of(DISCOVERY, POLICY, TRANSPORT);

    /** The services file that lists a jar's providers of this kind. */
    String servicesFile() {
        return "META-INF/services/" + type.getName();
    }
}
