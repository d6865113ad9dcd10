package org.etcdgateway.policy;

import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;

/**
 * {@code weighted-round-robin}: smooth weighted round robin by each endpoint's weight, within the
 * best (lowest) priority tier that has a usable endpoint. Weights and priorities come from the
 * discovery (SRV records); endpoints without them weigh 1 at priority 0, which makes this plain
 * round robin.
 */
public final class WeightedRoundRobinPolicyProvider implements LoadBalancingPolicyProvider<NoSettings> {

    @Override
    public String name() {
        return "weighted-round-robin";
    }

    @Override
    public NoSettings parseSettings(SettingsReader settings) throws InvalidConfigException {
        return NoSettings.parse(settings);
    }

    @Override
    public LoadBalancingPolicy newPolicy(NoSettings settings) {
        return new WeightedRoundRobinPolicy();
    }
}
