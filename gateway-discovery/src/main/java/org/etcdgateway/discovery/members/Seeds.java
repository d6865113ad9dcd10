package org.etcdgateway.discovery.members;

import java.util.List;
import org.etcdgateway.api.Endpoint;

/**
 * Where the etcd-members provider finds endpoints to ask for the member list when none of the
 * members it knows answers: at start-up, and after the whole cluster was out of reach.
 */
interface Seeds {

    /**
     * The endpoints to ask, in order. May block within its own timeouts.
     *
     * @throws Exception saying what was looked up and what went wrong, for the log
     */
    List<Endpoint> endpoints() throws Exception;

    /** What the seeds are, for messages: {@code 127.0.0.1:2379, 127.0.0.1:22379}. */
    String describe();
}
