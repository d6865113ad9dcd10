package org.etcdgateway.bench;

import java.time.Duration;

/**
 * Case 6: how much memory a proxy spends on connections that do nothing. Opens the connections,
 * waits until the proxy holds an upstream connection for each, lets it settle, and reads its
 * resident set again.
 */
final class IdleCase {

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PAIRS_TIMEOUT = Duration.ofSeconds(60);

    private IdleCase() {
    }

    /**
     * @param settle  time for lazily touched pages and deferred work to show up in the resident set,
     *                before the first reading and again before the second
     * @param release more time before the second reading, for memory freed while the connections
     *                came in to go back to the system: the JIT compiles the accept and dial paths
     *                then, and a JVM hands its compilers' scratch memory back to the C heap within
     *                5 s, which the gateway's launcher has glibc return to the system every second
     */
    static IdleResult measure(ProxyProcess proxy, int connections, Duration settle, Duration release) {
        ProxyProcess.sleepMillis(settle.toMillis());
        long before = proxy.fromProc(ProcStats::rssBytes);
        long descriptorsBefore = proxy.fromProc(ProcStats::openDescriptors);
        try (IdleConnections held = IdleConnections.open(proxy.socketAddress(), connections, OPEN_TIMEOUT)) {
            long deadline = System.nanoTime() + PAIRS_TIMEOUT.toNanos();
            // Both legs of every pair: the accepted client connection and the dialled upstream one.
            long added;
            while ((added = proxy.fromProc(ProcStats::openDescriptors) - descriptorsBefore) < 2L * connections) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(proxy + " holds " + added + " new descriptors after " + PAIRS_TIMEOUT + ", not the "
                            + 2L * connections + " of " + connections + " connection pairs");
                }
                ProxyProcess.sleepMillis(100);
            }
            ProxyProcess.sleepMillis(settle.plus(release).toMillis());
            long after = proxy.fromProc(ProcStats::rssBytes);
            int open = held.stillOpen();
            if (open != connections) {
                throw new IllegalStateException(proxy + " closed " + (connections - open) + " of " + connections
                        + " idle connections");
            }
            return new IdleResult(proxy.candidate(), connections, before, after);
        }
    }
}
