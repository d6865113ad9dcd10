package org.etcdgateway.discovery.url;

/** None of the peer URLs asked answered with a member list the gateway can use; the message says why, URL by URL. */
public final class PeerMembersUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message each peer URL asked and why its answer did not count */
    public PeerMembersUnavailableException(String message) {
        super(message);
    }
}
