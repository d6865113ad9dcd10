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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A real etcd cluster on loopback: every member a process of the {@code etcd} binary with free
 * ports and a data directory in a temp directory of its own. Members are addressed by index,
 * 0 to {@code size() - 1}, which stays the same across kills, restarts and member changes: an
 * added member gets the next index, a removed one keeps its own.
 */
public final class EtcdCluster implements AutoCloseable {

    /** A fresh 3-member cluster on 2 cores is healthy in a few seconds; this is the bound. */
    private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(30);
    /** Free ports are only free until someone takes them; a clash is retried with new ones. */
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;
    /** etcd takes a membership change once its members have been connected for 5 s; the rest is slack. */
    private static final Duration RECONFIGURATION_TIMEOUT = Duration.ofSeconds(20);
    /** The line of {@code etcdctl member add}'s output that holds the cluster the new member is to join. */
    private static final Pattern MEMBER_ADD_INITIAL_CLUSTER = Pattern.compile("ETCD_INITIAL_CLUSTER=\"([^\"]+)\"");

    private final String executable;
    private final Path directory;
    private final String token;
    private final List<String> extraFlags;
    /** Every member ever started, removed ones included, so that indexes stay what they were. */
    private final List<EtcdMember> members;
    private final List<MemberId> memberIds = new ArrayList<>();

    private EtcdCluster(String executable, Path directory, String token, List<String> extraFlags, List<EtcdMember> members) {
        this.executable = executable;
        this.directory = directory;
        this.token = token;
        this.extraFlags = List.copyOf(extraFlags);
        this.members = new ArrayList<>(members);
    }

    /** Starts a cluster of {@code size} members with the {@code etcd} on PATH and waits until it is healthy. */
    static EtcdCluster start(int size) {
        return start("etcd", size);
    }

    /**
     * Starts a cluster of {@code size} members that also serve etcd's v2 API ({@code --enable-v2}),
     * as a discovery service does: etcd's v2 discovery protocol is made of v2 keys requests.
     */
    public static EtcdCluster startWithV2Api(int size) {
        return start(Executables.require("etcd", "etcd-server"), size, List.of("--enable-v2"));
    }

    /**
     * Starts a cluster of {@code size} members with {@code etcdExecutable} and waits until every
     * member is healthy.
     *
     * @throws IllegalStateException when the executable is missing or the cluster does not come
     *                               up, with the members' log tails
     */
    static EtcdCluster start(String etcdExecutable, int size) {
        return start(Executables.require(etcdExecutable, "etcd-server"), size, List.of());
    }

    private static EtcdCluster start(String executable, int size, List<String> extraFlags) {
        for (int attempt = 1; ; attempt++) {
            EtcdCluster cluster = create(executable, size, extraFlags);
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

    private static EtcdCluster create(String executable, int size, List<String> extraFlags) {
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
                        ports.get(2 * index + 1), directory, initialCluster, "new", token, extraFlags))
                .toList();
        return new EtcdCluster(executable, directory, token, extraFlags, members);
    }

    private void readMemberIds() {
        for (EtcdMember member : members) {
            memberIds.add(readMemberId(member));
        }
    }

    private static MemberId readMemberId(EtcdMember member) {
        Etcdctl etcdctl = Etcdctl.at(member.clientEndpoint());
        return Poll.until("the member ID of " + member, Duration.ofSeconds(10), () -> {
            CommandResult status = etcdctl.run("endpoint", "status", "-w", "json");
            return status.succeeded() ? MemberId.findInJson(status.stdout()) : Optional.empty();
        });
    }

    /**
     * Adds a member as an operator does: {@code etcdctl member add} on a running member, then the
     * new member started with the cluster etcdctl printed and {@code --initial-cluster-state
     * existing}. Waits until the whole cluster, the new member included, is healthy.
     *
     * @return the new member's index
     */
    int addMember() {
        int index = members.size();
        String name = "member-" + index;
        List<Integer> ports = FreePorts.allocate(2);
        String peerUrl = "http://127.0.0.1:" + ports.get(1);
        CommandResult added = reconfigure("etcdctl member add " + name, Etcdctl.at(runningClientEndpoint()),
                "member", "add", name, "--peer-urls", peerUrl);
        Matcher initialCluster = MEMBER_ADD_INITIAL_CLUSTER.matcher(added.stdout());
        if (!initialCluster.find()) {
            throw new AssertionError("no ETCD_INITIAL_CLUSTER in what etcdctl member add printed:\n" + added.describe());
        }
        EtcdMember member = new EtcdMember(executable, name, ports.get(0), ports.get(1), directory, initialCluster.group(1),
                "existing", token, extraFlags);
        members.add(member);
        member.start();
        awaitHealthy();
        memberIds.add(readMemberId(member));
        return index;
    }

    /**
     * Removes member {@code index} as an operator does, {@code etcdctl member remove} on another
     * member, kills what is left of its process, and waits until the remaining members are
     * healthy. Its index stays taken.
     */
    void removeMember(int index) {
        EtcdMember removed = members.get(index);
        MemberId id = memberIds.get(index);
        Etcdctl etcdctl = Etcdctl.at(members.stream().filter(member -> member != removed && member.shouldRun())
                .findFirst().orElseThrow(() -> new IllegalStateException("no other running member to remove " + removed + " with"))
                .clientEndpoint());
        reconfigure("etcdctl member remove " + id, etcdctl, "member", "remove", id.toString());
        removed.markRemoved();
        awaitHealthy();
    }

    /**
     * Runs a membership change until etcd takes it. etcd refuses one ("unhealthy cluster") until
     * enough members have been connected for 5 seconds, which a cluster that just started or just
     * grew has not; anything else is a failure at once.
     */
    private static CommandResult reconfigure(String what, Etcdctl etcdctl, String... arguments) {
        return Poll.until(what + " to be accepted", RECONFIGURATION_TIMEOUT, () -> {
            CommandResult result = etcdctl.run(arguments);
            if (result.succeeded()) {
                return Optional.of(result);
            }
            if (!result.stderr().contains("unhealthy cluster")) {
                throw new AssertionError(what + " failed:\n" + result.describe());
            }
            return Optional.empty();
        });
    }

    /** How many members were ever started, removed ones included: indexes run from 0 to {@code size() - 1}. */
    int size() {
        return members.size();
    }

    /** True unless member {@code index} was removed from the cluster. */
    boolean isMember(int index) {
        return !members.get(index).isRemoved();
    }

    /** {@code http://127.0.0.1:<peer port>} of member {@code index}. */
    String peerUrl(int index) {
        return members.get(index).peerUrl();
    }

    /**
     * {@code member-0=http://127.0.0.1:<peer port>,...} for every current member, as etcd's
     * {@code --initial-cluster} takes it.
     */
    public String initialCluster() {
        return IntStream.range(0, members.size()).filter(this::isMember)
                .mapToObj(index -> name(index) + "=" + peerUrl(index))
                .collect(Collectors.joining(","));
    }

    /** Every current member's peer URL, {@code http://127.0.0.1:<peer port>}. */
    List<String> peerUrls() {
        return currentMembers().map(EtcdMember::peerUrl).toList();
    }

    /** {@code member-<index>}: member {@code index}'s name. */
    String name(int index) {
        return members.get(index).name();
    }

    private String runningClientEndpoint() {
        return members.stream().filter(EtcdMember::shouldRun).findFirst()
                .orElseThrow(() -> new IllegalStateException("no member of the cluster is running"))
                .clientEndpoint();
    }

    /** {@code 127.0.0.1:<client port>} of member {@code index}. */
    public String clientEndpoint(int index) {
        return members.get(index).clientEndpoint();
    }

    /** Every member's client address, removed members left out. */
    public List<String> clientEndpoints() {
        return currentMembers().map(EtcdMember::clientEndpoint).toList();
    }

    /** Every member's IPv6 loopback client address, {@code [::1]:<client port>}, removed members left out. */
    List<String> ipv6ClientEndpoints() {
        return currentMembers().map(EtcdMember::ipv6ClientEndpoint).toList();
    }

    private Stream<EtcdMember> currentMembers() {
        return members.stream().filter(member -> !member.isRemoved());
    }

    /** Every member's client address, comma-separated, as {@code --endpoints} takes them. */
    public String endpointsFlag() {
        return String.join(",", clientEndpoints());
    }

    int clientPort(int index) {
        return members.get(index).clientPort();
    }

    MemberId memberId(int index) {
        return memberIds.get(index);
    }

    /** Every member's ID, removed members left out. */
    List<MemberId> memberIds() {
        return IntStream.range(0, members.size()).filter(this::isMember).mapToObj(memberIds::get).toList();
    }

    /** The index of the member with {@code id}. */
    int indexOf(MemberId id) {
        int index = memberIds.indexOf(id);
        if (index < 0) {
            throw new AssertionError("member " + id + " is not in this cluster " + memberIds);
        }
        return index;
    }

    /**
     * The first running member whose own {@code /v2/stats/self} gives {@code state}
     * ({@code StateLeader}, {@code StateFollower}); for a cluster started with the v2 API.
     */
    Optional<Integer> memberInRaftState(String state) {
        for (int index = 0; index < members.size(); index++) {
            if (isRunning(index)) {
                V2Response self = V2Client.of("http://" + clientEndpoint(index)).get("/v2/stats/self");
                if (self.status() == 200 && self.json().path("state").asText().equals(state)) {
                    return Optional.of(index);
                }
            }
        }
        return Optional.empty();
    }

    boolean isRunning(int index) {
        return members.get(index).isRunning();
    }

    /** SIGKILL to member {@code index}; returns once the process is gone. */
    void kill(int index) {
        members.get(index).kill();
    }

    /** SIGSTOP to member {@code index}: it hangs with its sockets open. */
    void pause(int index) {
        members.get(index).pause();
    }

    /** SIGCONT to member {@code index} after {@link #pause(int)}. */
    void resume(int index) {
        members.get(index).resume();
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

    /** Resumes every member a test paused, restarts every one it killed, and waits until the whole cluster is healthy again. */
    void restoreAll() {
        currentMembers().forEach(EtcdMember::resume);
        currentMembers().filter(member -> !member.isRunning()).forEach(EtcdMember::start);
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
