package org.etcdgateway.it;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills, when the test JVM ends, every process the tests started and did not stop themselves: an
 * aborted run (a timeout, Ctrl-C, a crash in a lifecycle method) must not leave etcd members or
 * gateways holding ports on the machine.
 */
public final class ProcessReaper {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> LIVE.forEach(Process::destroyForcibly), "kill-test-child-processes"));
    }

    private ProcessReaper() {
    }

    /** Returns {@code process}, now to be killed at the JVM's end unless {@link #forget forgotten} first. */
    public static Process register(Process process) {
        LIVE.add(process);
        return process;
    }

    /** {@code process} has ended; nothing left to do for it. */
    public static void forget(Process process) {
        LIVE.remove(process);
    }
}
