package org.etcdgateway.discovery.statics;

import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers one fixed endpoint set, once. */
final class StaticDiscovery implements EndpointDiscovery {

    private static final Logger log = LoggerFactory.getLogger(StaticDiscovery.class);

    private final List<Endpoint> endpoints;

    StaticDiscovery(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    @Override
    public void start(Listener listener) {
        log.info("discovery static: {} endpoint(s) {}", endpoints.size(), endpoints);
        listener.onEndpoints(endpoints);
    }

    @Override
    public void close() {
        // Nothing to stop: the set never changes.
    }
}
