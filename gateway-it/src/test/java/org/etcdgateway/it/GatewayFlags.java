package org.etcdgateway.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags most gateway tests share: every member of a cluster, a free port on loopback and
 * short timers, so that failures are noticed and recovered from within a test's patience.
 */
final class GatewayFlags {

    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(1);
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private GatewayFlags() {
    }

    /** The shared flags for {@code cluster}, then {@code more}. */
    static List<String> forCluster(EtcdCluster cluster, String... more) {
        List<String> flags = new ArrayList<>(List.of(
                "--endpoints", cluster.endpointsFlag(),
                "--listen-addr", "127.0.0.1:0",
                "--dial-timeout", DIAL_TIMEOUT.toSeconds() + "s",
                "--retry-delay", RETRY_DELAY.toSeconds() + "s"));
        flags.addAll(List.of(more));
        return flags;
    }
}
