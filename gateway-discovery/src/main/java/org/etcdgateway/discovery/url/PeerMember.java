package org.etcdgateway.discovery.url;

import java.util.List;
import java.util.Objects;

/**
 * One member as an etcd peer's {@code GET /members} lists it.
 *
 * @param id         the member's ID in hex, as etcd's logs and {@code etcdctl member list} print it
 * @param name       "" for a member that was added but has not started yet
 * @param peerUrls   where the other members reach it
 * @param clientUrls where clients reach it; empty for a member that has not started yet
 * @param learner    a learner refuses clients' requests until it is promoted
 */
public record PeerMember(String id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {

    public PeerMember {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }

    /** True when clients can use this member: it has started and is not a learner. */
    public boolean servesClients() {
        return !clientUrls.isEmpty() && !learner;
    }
}
