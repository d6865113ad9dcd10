package org.etcdgateway.api.transport;

import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.policy.LoadBalancingPolicy;

/**
 * The parts a transport is assembled with.
 *
 * @param discovery the endpoint source; the transport starts it and owns it from then on
 * @param policy    chooses among the endpoints the transport considers usable
 */
public record TransportContext(EndpointDiscovery discovery, LoadBalancingPolicy policy) {
}
