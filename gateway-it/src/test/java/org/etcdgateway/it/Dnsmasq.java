package org.etcdgateway.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real DNS server on loopback: {@code dnsmasq} on a free port, serving the SRV and address
 * records it was started with for {@link #DOMAIN} and nothing else, so that the names in it are
 * names the system's resolver does not know. Records are fixed for the process's life; a test
 * changes them by {@link #restartWith restarting} it on the same port, as an operator would
 * reload a zone. Closing it kills it.
 */
final class Dnsmasq implements AutoCloseable {

    /** The domain the records live in; a reserved name (RFC 2606), never a real one. */
    static final String DOMAIN = "example.test";

    private static final String DEBIAN_PACKAGE = "dnsmasq-base";
    /** Debian installs dnsmasq in /usr/sbin, which is not on every user's PATH. */
    private static final Path SYSTEM_EXECUTABLE = Path.of("/usr/sbin/dnsmasq");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    /** Free ports are only free until someone takes them; a clash is retried with a new one. */
    private static final int START_ATTEMPTS = 3;
    private static final String READY_LINE = "dnsmasq: started, version";
    private static final String PORT_TAKEN = "Address already in use";

    private final int port;
    private final Duration timeToLive;
    private volatile ChildProcess process;
    /** What the processes before a restart logged. */
    private volatile String earlierOutput = "";

    /**
     * One SRV record, as dnsmasq's {@code --srv-host} takes it.
     *
     * @param name     the owner name, e.g. {@code _etcd-client._tcp.example.test}
     * @param target   the target host name; a gateway asking this server resolves it here too, so it
     *                 needs a {@link HostRecord} (in {@link #DOMAIN}) to be used
     * @param port     the target port
     * @param priority lower is preferred
     * @param weight   share within one priority
     */
    record SrvRecord(String name, String target, int port, int priority, int weight) {

        /** A {@code _etcd-client._tcp} (plain) record of {@link #DOMAIN} for {@code target:port}. */
        static SrvRecord plain(String target, int port) {
            return new SrvRecord("_etcd-client._tcp." + DOMAIN, target, port, 0, 1);
        }

        /** A {@code _etcd-client-ssl._tcp} (secure) record of {@link #DOMAIN} for {@code target:port}. */
        static SrvRecord secure(String target, int port) {
            return new SrvRecord("_etcd-client-ssl._tcp." + DOMAIN, target, port, 0, 1);
        }

        String flag() {
            return "--srv-host=" + name + "," + target + "," + port + "," + priority + "," + weight;
        }
    }

    /**
     * One name's address, as dnsmasq's {@code --host-record} takes it: an A record for an IPv4
     * address, an AAAA record for an IPv6 one.
     *
     * @param name    e.g. {@code m1.example.test}
     * @param address an IP literal
     */
    record HostRecord(String name, String address) {

        String flag() {
            return "--host-record=" + name + "," + address;
        }
    }

    private Dnsmasq(ChildProcess process, int port, Duration timeToLive) {
        this.process = process;
        this.port = port;
        this.timeToLive = timeToLive;
    }

    /** Starts dnsmasq with {@code records} and no address records, as {@link #start(Duration, List, List)}. */
    static Dnsmasq start(Duration timeToLive, List<SrvRecord> records) {
        return start(timeToLive, records, List.of());
    }

    /**
     * Starts dnsmasq on a free loopback port with {@code records} and {@code hosts}, each answered
     * with {@code timeToLive}, and waits until it serves.
     *
     * @param timeToLive whole seconds; dnsmasq gives its own records a TTL of 0 unless told
     */
    static Dnsmasq start(Duration timeToLive, List<SrvRecord> records, List<HostRecord> hosts) {
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.one();
            ChildProcess process = launch(port, timeToLive, records, hosts);
            Optional<String> failure = awaitReady(process);
            if (failure.isEmpty()) {
                return new Dnsmasq(process, port, timeToLive);
            }
            if (attempt >= START_ATTEMPTS || !failure.get().contains(PORT_TAKEN)) {
                throw new IllegalStateException("dnsmasq did not start on 127.0.0.1:" + port + ": " + failure.get());
            }
        }
    }

    /**
     * Stops this server and starts another with {@code records} and {@code hosts} on the same
     * port and with the same TTL, so that the gateway, which keeps asking the same address, sees
     * new records.
     */
    void restartWith(List<SrvRecord> records, List<HostRecord> hosts) {
        process.close();
        earlierOutput = output() + "-- restarted with " + records + " and " + hosts + " --\n";
        process = launch(port, timeToLive, records, hosts);
        Optional<String> failure = awaitReady(process);
        if (failure.isPresent()) {
            throw new IllegalStateException("dnsmasq did not start again on 127.0.0.1:" + port + ": " + failure.get());
        }
    }

    private static ChildProcess launch(int port, Duration timeToLive, List<SrvRecord> records, List<HostRecord> hosts) {
        List<String> command = new ArrayList<>(List.of(executable(),
                // In the foreground, logging to stderr; also keeps it from writing a pid file or changing user.
                "--no-daemon",
                "--conf-file=/dev/null",
                "--port=" + port,
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                // Only the records below: no upstream servers, no /etc/hosts.
                "--no-resolv",
                "--no-hosts",
                // Authoritative for the domain: a name without records is NXDOMAIN, not REFUSED.
                "--local=/" + DOMAIN + "/",
                // The TTL of --srv-host and --host-record answers (dnsmasq's default is 0).
                "--local-ttl=" + timeToLive.toSeconds(),
                "--log-queries"));
        records.stream().map(SrvRecord::flag).forEach(command::add);
        hosts.stream().map(HostRecord::flag).forEach(command::add);
        ChildProcess process = ChildProcess.start(command, environment -> { });
        process.closeInput();
        return process;
    }

    /** Empty once dnsmasq says it started (it binds its sockets before); else what it said. */
    private static Optional<String> awaitReady(ChildProcess process) {
        try {
            Poll.untilTrue("dnsmasq to start", READY_TIMEOUT, () -> {
                if (process.stderr().contains(READY_LINE)) {
                    return true;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("dnsmasq exited");
                }
                return false;
            });
            return Optional.empty();
        } catch (AssertionError e) {
            String output = process.stderr() + process.stdout();
            process.close();
            return Optional.of(e.getMessage() + "\n" + output);
        }
    }

    private static String executable() {
        if (Files.isExecutable(SYSTEM_EXECUTABLE)) {
            return SYSTEM_EXECUTABLE.toString();
        }
        return Executables.require("dnsmasq", DEBIAN_PACKAGE);
    }

    /** {@code 127.0.0.1:<port>}, as {@code --discovery-dns-server} takes it. */
    String server() {
        return "127.0.0.1:" + port;
    }

    /** What dnsmasq logged, across restarts: every query it answered, for failure diagnostics. */
    String output() {
        return earlierOutput + process.stderr() + process.stdout();
    }

    @Override
    public void close() {
        process.close();
    }
}
