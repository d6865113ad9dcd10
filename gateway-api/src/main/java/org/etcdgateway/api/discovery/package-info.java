/**
 * The discovery SPI: where the gateway's endpoints come from. Implement
 * {@link org.etcdgateway.api.discovery.EndpointDiscoveryProvider} to add a source.
 */
package org.etcdgateway.api.discovery;
