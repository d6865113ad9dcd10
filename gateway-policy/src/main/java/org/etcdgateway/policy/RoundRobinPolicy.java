package org.etcdgateway.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.policy.LoadBalancingPolicy;

/** Each pick takes the next candidate in turn (etcd 3.3's gateway). */
final class RoundRobinPolicy implements LoadBalancingPolicy {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(List<Endpoint> candidates) {
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }
}
