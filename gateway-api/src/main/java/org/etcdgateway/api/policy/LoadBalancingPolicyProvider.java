package org.etcdgateway.api.policy;

import org.etcdgateway.api.Provider;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;

/**
 * Makes one kind of {@link LoadBalancingPolicy}: the extension point for how an endpoint is
 * chosen.
 *
 * <p>To ship a policy of your own: implement this interface and {@link LoadBalancingPolicy},
 * list the provider class in
 * {@code META-INF/services/org.etcdgateway.api.policy.LoadBalancingPolicyProvider}, put the jar
 * on the gateway's classpath and start it with {@code --policy <name>}. Settings, if any, live
 * under {@code gateway.policy.<name>}; ship their defaults in the jar's {@code reference.conf}.
 *
 * @param <S> the provider's immutable settings value
 */
public interface LoadBalancingPolicyProvider<S> extends Provider {

    /**
     * Reads and checks this provider's subtree, eagerly, at start-up and on every reload. Throws
     * every problem at once ({@link SettingsReader#throwIfInvalid()}).
     */
    S parseSettings(SettingsReader settings) throws InvalidConfigException;

    /** A new policy with these settings. */
    LoadBalancingPolicy newPolicy(S settings);
}
