/**
 * Reading a provider's configuration subtree with every error collected, and the error values
 * the gateway reports at start-up.
 */
package org.etcdgateway.api.config;
