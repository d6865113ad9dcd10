package org.etcdgateway.policy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.policy.LoadBalancingPolicy;

/**
 * Picks one candidate at random and keeps to it until it fails or stops being a candidate
 * (etcd 3.4's gateway). Spreads the gateways of many hosts over the members while each
 * gateway's clients share one member.
 */
final class RandomStickyPolicy implements LoadBalancingPolicy {

    private final AtomicReference<Endpoint> current = new AtomicReference<>();

    @Override
    public Endpoint pick(List<Endpoint> candidates) {
        while (true) {
            Endpoint sticky = current.get();
            if (sticky != null && candidates.contains(sticky)) {
                return sticky;
            }
            Endpoint chosen = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
            // Of two threads that both find the old choice gone, both take the winner's pick.
            if (current.compareAndSet(sticky, chosen)) {
                return chosen;
            }
        }
    }

    @Override
    public void onFailure(Endpoint endpoint, Throwable cause) {
        current.compareAndSet(endpoint, null);
    }
}
