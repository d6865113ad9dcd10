package org.etcdgateway.bench;

/**
 * What a client's traffic goes through in a case. Every case has {@link #DIRECT} (no proxy: the
 * limit) and this gateway; the others are what an operator would pick instead.
 */
enum Candidate {
    /** Straight to the backend: the most any proxy could give. */
    DIRECT("direct", false),
    /** This gateway's {@code tcp} transport ({@code etcd-gateway start}). */
    OURS_TCP("this gateway (tcp)", true),
    /** etcd's own L4 gateway, {@code etcd gateway start}. */
    ETCD_GATEWAY("etcd gateway", false),
    /** HAProxy in {@code mode tcp}, with as many threads as the gateway has event loops. */
    HAPROXY("HAProxy (tcp)", false),
    /** This gateway's {@code http} transport ({@code etcd-gateway proxy}). */
    OURS_HTTP("this gateway (http)", true),
    /** etcd's own v2 proxy, {@code etcd --proxy on}. */
    ETCD_PROXY("etcd --proxy on", false);

    private final String label;
    private final boolean ours;

    Candidate(String label, boolean ours) {
        this.label = label;
        this.ours = ours;
    }

    /** How the report names it. */
    String label() {
        return label;
    }

    /** True for this gateway's transports. */
    boolean isOurs() {
        return ours;
    }

    /** True when a proxy process carries the traffic, so there is a process to measure. */
    boolean isProxy() {
        return this != DIRECT;
    }
}
