package org.etcdgateway.policy;

import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;

/** {@code random-sticky}, the default: one endpoint chosen at random, kept until it fails. */
public final class RandomStickyPolicyProvider implements LoadBalancingPolicyProvider<NoSettings> {

    @Override
    public String name() {
        return "random-sticky";
    }

    @Override
    public NoSettings parseSettings(SettingsReader settings) throws InvalidConfigException {
        return NoSettings.parse(settings);
    }

    @Override
    public LoadBalancingPolicy newPolicy(NoSettings settings) {
        return new RandomStickyPolicy();
    }
}
