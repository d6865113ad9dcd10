package org.etcdgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A real etcd cluster on loopback: every member a process of the {@code etcd} binary with free
 * ports and a data directory in a temp directory of its own. Members are addressed by index,
 * 0 to {@code size() - 1}, which stays the same across kills and restarts.
 */
final class EtcdCluster implements AutoCloseable {

    /** A fresh 3-member cluster on 2 cores is healthy in a few seconds; this is the bound. */
    private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(30);
    /** Free ports are only free until someone takes them; a clash is retried with new ones. */
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    private final Path directory;
    private final List<EtcdMember> members;
    private final List<MemberId> memberIds = new ArrayList<>();

    private EtcdCluster(Path directory, List<EtcdMember> members) {
        this.directory = directory;
        this.members = List.copyOf(members);
    }

    /** Starts a cluster of {@code size} members with the {@code etcd} on PATH and waits until it is healthy. */
    static EtcdCluster start(int size) {
        return start("etcd", size);
    }

    /**
     * Starts a cluster of {@code size} members with {@code etcdExecutable} and waits until every
     * member is healthy.
     *
     * @throws IllegalStateException when the executable is missing or the cluster does not come
     *                               up, with the members' log tails
     */
    static EtcdCluster start(String etcdExecutable, int size) {
        String executable = Executables.require(etcdExecutable, "etcd-server");
        for (int attempt = 1; ; attempt++) {
            EtcdCluster cluster = create(executable, size);
            try {
                cluster.members.forEach(EtcdMember::start);
                cluster.awaitHealthy();
                cluster.readMemberIds();
                return cluster;
            } catch (RuntimeException | AssertionError e) {
                String logs = cluster.logTails();
                cluster.close();
                if (attempt < START_ATTEMPTS && logs.contains("address already in use")) {
                    continue;
                }
                throw new IllegalStateException("the etcd cluster did not start (attempt " + attempt + "): "
                        + e.getMessage() + "\n" + logs, e);
            }
        }
    }

    private static EtcdCluster create(String executable, int size) {
        Path directory;
        try {
            directory = Files.createTempDirectory("etcd-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> ports = FreePorts.allocate(2 * size);
        String initialCluster = IntStream.range(0, size)
                .mapToObj(index -> EtcdMember.initialClusterEntry("member-" + index, ports.get(2 * index + 1)))
                .collect(Collectors.joining(","));
        // A token per cluster, so that members of two clusters in one run can never join each other.
        String token = "it-" + UUID.randomUUID();
        List<EtcdMember> members = IntStream.range(0, size)
                .mapToObj(index -> new EtcdMember(executable, "member-" + index, ports.get(2 * index),
                        ports.get(2 * index + 1), directory, initialCluster, token))
                .toList();
        return new EtcdCluster(directory, members);
    }

    private void readMemberIds() {
        for (EtcdMember member : members) {
            Etcdctl etcdctl = Etcdctl.at(member.clientEndpoint());
            memberIds.add(Poll.until("the member ID of " + member, Duration.ofSeconds(10), () -> {
                CommandResult status = etcdctl.run("endpoint", "status", "-w", "json");
                return status.succeeded() ? MemberId.findInJson(status.stdout()) : Optional.empty();
            }));
        }
    }

    int size() {
        return members.size();
    }

    /** {@code 127.0.0.1:<client port>} of member {@code index}. */
    String clientEndpoint(int index) {
        return members.get(index).clientEndpoint();
    }

    List<String> clientEndpoints() {
        return members.stream().map(EtcdMember::clientEndpoint).toList();
    }

    /** Every member's IPv6 loopback client address, {@code [::1]:<client port>}. */
    List<String> ipv6ClientEndpoints() {
        return members.stream().map(EtcdMember::ipv6ClientEndpoint).toList();
    }

    /** Every member's client address, comma-separated, as {@code --endpoints} takes them. */
    String endpointsFlag() {
        return String.join(",", clientEndpoints());
    }

    int clientPort(int index) {
        return members.get(index).clientPort();
    }

    MemberId memberId(int index) {
        return memberIds.get(index);
    }

    List<MemberId> memberIds() {
        return List.copyOf(memberIds);
    }

    /** The index of the member with {@code id}. */
    int indexOf(MemberId id) {
        int index = memberIds.indexOf(id);
        if (index < 0) {
            throw new AssertionError("member " + id + " is not in this cluster " + memberIds);
        }
        return index;
    }

    boolean isRunning(int index) {
        return members.get(index).isRunning();
    }

    /** SIGKILL to member {@code index}; returns once the process is gone. */
    void kill(int index) {
        members.get(index).kill();
    }

    /** Starts member {@code index} again with its data and ports; does not wait (see {@link #awaitHealthy()}). */
    void restart(int index) {
        members.get(index).start();
    }

    /**
     * Waits until every member that should run answers healthy, that is, sees a leader. Fails at
     * once, with its log, when one of them has exited by itself.
     */
    void awaitHealthy() {
        List<EtcdMember> running = members.stream().filter(EtcdMember::shouldRun).toList();
        Poll.untilTrue("etcd members " + running + " to be healthy", HEALTHY_TIMEOUT, () -> {
            for (EtcdMember member : running) {
                if (member.hasCrashed()) {
                    throw new AssertionError("etcd " + member + " exited by itself:\n" + member.logTail(LOG_TAIL_LINES));
                }
            }
            return running.stream().allMatch(EtcdMember::isHealthy);
        });
    }

    /** Restarts every member a test killed and waits until the whole cluster is healthy again. */
    void restoreAll() {
        members.stream().filter(member -> !member.isRunning()).forEach(EtcdMember::start);
        awaitHealthy();
    }

    /** The last lines of every member's log, for failure messages. */
    String logTails() {
        return members.stream()
                .map(member -> "---- etcd " + member + ", " + member.logFile() + " ----\n" + member.logTail(LOG_TAIL_LINES))
                .collect(Collectors.joining("\n"));
    }

    /** Kills every member and deletes the data directories. */
    @Override
    public void close() {
        members.forEach(EtcdMember::kill);
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
