package org.etcdgateway.api.policy;

import java.util.List;
import org.etcdgateway.api.Endpoint;

/**
 * Chooses the endpoint for each new client connection (L4) or request (L7).
 *
 * <p>The transport owns endpoint state: it passes only the endpoints that are usable right now
 * and reports what happened to each pick. Called concurrently from many threads; keep
 * {@link #pick} fast and free of blocking, since it runs on the network threads.
 */
public interface LoadBalancingPolicy {

    /**
     * One of {@code candidates}.
     *
     * @param candidates the usable endpoints: non-empty, immutable, without duplicates. The same
     *                   list instance is passed again until the usable set changes, so a policy
     *                   may cache what it derives from it by identity.
     */
    Endpoint pick(List<Endpoint> candidates);

    /** A connection to {@code endpoint} was made. */
    default void onSuccess(Endpoint endpoint) {
    }

    /** A connection to {@code endpoint} failed; the transport takes it out of the candidates. */
    default void onFailure(Endpoint endpoint, Throwable cause) {
    }
}
