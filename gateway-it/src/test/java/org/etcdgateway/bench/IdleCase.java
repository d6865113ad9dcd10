package org.etcdgateway.bench;

import java.time.Duration;

/**
 * Case 6: how much memory a proxy spends on connections that do nothing. Opens the connections,
 * waits until the proxy holds an upstream connection for each, lets it settle, and reads its
 * resident set.
 */
final class IdleCase {

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PAIRS_TIMEOUT = Duration.ofSeconds(60);

    private IdleCase() {
    }

    /**
     * @param settle time for lazily touched pages and deferred work to show up in the resident set,
     *               before the first reading and again before the second
     */
    static IdleResult measure(ProxyProcess proxy, int connections, Duration settle) {
        ProxyProcess.sleepMillis(settle.toMillis());
        long before = ProcStats.rssBytes(proxy.pid());
        int descriptorsBefore = ProcStats.openDescriptors(proxy.pid());
        try (IdleConnections held = IdleConnections.open(proxy.socketAddress(), connections, OPEN_TIMEOUT)) {
            long deadline = System.nanoTime() + PAIRS_TIMEOUT.toNanos();
            // Both legs of every pair: the accepted client connection and the dialled upstream one.
            while (ProcStats.openDescriptors(proxy.pid()) < descriptorsBefore + 2L * connections) {
                proxy.checkAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(proxy + " holds " + (ProcStats.openDescriptors(proxy.pid())
                            - descriptorsBefore) + " new descriptors after " + PAIRS_TIMEOUT + ", not the "
                            + 2L * connections + " of " + connections + " connection pairs");
                }
                ProxyProcess.sleepMillis(100);
            }
            ProxyProcess.sleepMillis(settle.toMillis());
            long after = ProcStats.rssBytes(proxy.pid());
            int open = held.stillOpen();
            if (open != connections) {
                throw new IllegalStateException(proxy + " closed " + (connections - open) + " of " + connections
                        + " idle connections");
            }
            return new IdleResult(proxy.candidate(), connections, before, after);
        }
    }
}
