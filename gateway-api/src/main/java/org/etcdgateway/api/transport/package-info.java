/**
 * The transport SPI: how clients are accepted and forwarded. Implement
 * {@link org.etcdgateway.api.transport.TransportProvider} to add one.
 */
package org.etcdgateway.api.transport;
