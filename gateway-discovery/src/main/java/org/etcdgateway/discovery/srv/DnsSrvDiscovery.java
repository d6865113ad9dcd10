package org.etcdgateway.discovery.srv;

import java.time.Duration;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.discovery.refresh.RefreshingDiscovery;

/** The dns-srv discovery: {@link SrvEndpointLookup} on {@link RefreshingDiscovery}'s schedule. */
final class DnsSrvDiscovery extends RefreshingDiscovery {

    private final SrvEndpointLookup lookup;

    DnsSrvDiscovery(SrvEndpointLookup lookup, DiscoveryContext context) {
        super(DnsSrvDiscoveryProvider.NAME, context);
        this.lookup = lookup;
    }

    @Override
    protected Lookup lookup() throws Exception {
        return lookup.lookup();
    }

    @Override
    protected Duration retryDelay() {
        return lookup.retryDelay();
    }

    @Override
    protected String describeSource() {
        return lookup.describeSource();
    }
}
