package org.etcdgateway.bench;

/**
 * A proxy holding idle connections: each client connection through it and the upstream
 * connection it made for it, both open, nothing moving.
 *
 * @param candidate       the proxy
 * @param connections     client connections held (each with its upstream one)
 * @param rssBeforeBytes  the proxy's resident set before the connections were opened
 * @param rssAfterBytes   its resident set with all of them open and idle
 */
record IdleResult(Candidate candidate, int connections, long rssBeforeBytes, long rssAfterBytes) {

    /** Resident memory the proxy spends per client connection and its upstream one. */
    double bytesPerConnectionPair() {
        return (double) (rssAfterBytes - rssBeforeBytes) / connections;
    }
}
