package org.etcdgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags of a gateway that finds its endpoints in SRV records, as {@link Dnsmasq} serves them: the
 * {@code --discovery-srv} flags an operator would give, a free port on loopback, short timers,
 * and a {@code --config} file for the one setting without a flag, min-ttl.
 */
final class SrvGatewayFlags {

    /**
     * The TTL dnsmasq gives its records: the gateway looks again this long after each lookup,
     * which is how long a test waits for a change to show.
     */
    static final Duration RECORD_TTL = Duration.ofSeconds(1);
    /**
     * Below {@link #RECORD_TTL}, so that the records' TTL, not this floor, times the lookups; and
     * short, since a failed lookup (while dnsmasq restarts) is retried after it.
     */
    private static final String MINIMUM_TTL = "200ms";

    private SrvGatewayFlags() {
    }

    /**
     * The flags for a gateway asking the DNS server at {@code server} ({@code host:port}), then
     * {@code more}; writes the config file into {@code directory}.
     */
    static List<String> forDnsServer(String server, Path directory, String... more) {
        Path config = directory.resolve("dns-srv-timers.conf");
        try {
            Files.writeString(config, "gateway.discovery.dns-srv.min-ttl = " + MINIMUM_TTL + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> flags = new ArrayList<>(List.of(
                "--discovery-srv", Dnsmasq.DOMAIN,
                "--discovery-dns-server", server,
                "--listen-addr", "127.0.0.1:0",
                "--dial-timeout", GatewayFlags.DIAL_TIMEOUT.toSeconds() + "s",
                "--retry-delay", GatewayFlags.RETRY_DELAY.toSeconds() + "s",
                "--config", config.toString()));
        flags.addAll(List.of(more));
        return flags;
    }
}
