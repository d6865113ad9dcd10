package org.etcdgateway.transport.endpoints;

import java.util.ArrayList;
import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.policy.LoadBalancingPolicy;

/**
 * The policy's choice among the pool's usable endpoints, and what each choice came to: the one
 * way both transports pick an endpoint and report back.
 */
public final class EndpointPicker {

    private final EndpointPool pool;
    private volatile LoadBalancingPolicy policy;

    public EndpointPicker(EndpointPool pool, LoadBalancingPolicy policy) {
        this.pool = pool;
        this.policy = policy;
    }

    /** Picks with {@code replacement} from now on (a reload); picks under way finish with the old one. */
    public void policy(LoadBalancingPolicy replacement) {
        this.policy = replacement;
    }

    /** The usable endpoints not yet tried for this connection or request; the pool's own list when none was. */
    public List<Endpoint> usableExcluding(List<Endpoint> tried) {
        List<Endpoint> usable = pool.usable();
        if (tried == null || tried.isEmpty()) {
            return usable;
        }
        List<Endpoint> rest = new ArrayList<>(usable);
        rest.removeAll(tried);
        return List.copyOf(rest);
    }

    /**
     * The policy's pick among {@code candidates}.
     *
     * @throws IllegalStateException when the policy picks something else: a policy bug must not
     *                               send a client somewhere it was not meant to go
     */
    public Endpoint pick(List<Endpoint> candidates) {
        LoadBalancingPolicy policy = this.policy;
        Endpoint picked = policy.pick(candidates);
        if (picked == null || !candidates.contains(picked)) {
            throw new IllegalStateException("policy " + policy.getClass().getName() + " picked " + picked
                    + ", which is not one of the candidates " + candidates);
        }
        pool.picked(picked);
        return picked;
    }

    /** {@code endpoint}, chosen without asking the policy (the leader, for a write); counted as a pick all the same. */
    public Endpoint take(Endpoint endpoint) {
        pool.picked(endpoint);
        return endpoint;
    }

    /** The endpoint answered (L4: the dial succeeded; L7: the response started). */
    public void succeeded(Endpoint endpoint) {
        policy.onSuccess(endpoint);
    }

    /** The endpoint failed: out of rotation until a re-dial succeeds, and the policy is told. */
    public void failed(Endpoint endpoint, Throwable cause) {
        pool.markFailed(endpoint, cause);
        policy.onFailure(endpoint, cause);
    }
}
