package org.etcdgateway.api.discovery;

import java.util.concurrent.ScheduledExecutorService;

/** What the gateway lends a discovery for its work. */
public interface DiscoveryContext {

    /**
     * A scheduler for periodic lookups. Shared: run short tasks on it, or hand blocking work to
     * an executor of your own. Do not shut it down.
     */
    ScheduledExecutorService scheduler();
}
