package org.etcdgateway.policy;

import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;

/** {@code round-robin}: new connections take the usable endpoints in turn. */
public final class RoundRobinPolicyProvider implements LoadBalancingPolicyProvider<NoSettings> {

    @Override
    public String name() {
        return "round-robin";
    }

    @Override
    public NoSettings parseSettings(SettingsReader settings) throws InvalidConfigException {
        return NoSettings.parse(settings);
    }

    @Override
    public LoadBalancingPolicy newPolicy(NoSettings settings) {
        return new RoundRobinPolicy();
    }
}
