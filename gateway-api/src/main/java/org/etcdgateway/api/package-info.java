/**
 * The gateway's plugin API: {@link org.etcdgateway.api.Endpoint}, the {@link org.etcdgateway.api.Provider}
 * shape every SPI shares, and {@link org.etcdgateway.api.ProviderRegistry}. The three SPIs live in
 * the sub-packages {@code discovery}, {@code policy} and {@code transport}.
 */
package org.etcdgateway.api;
