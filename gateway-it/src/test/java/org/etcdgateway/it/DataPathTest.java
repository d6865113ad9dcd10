package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What clients do through the gateway, with two real clients: etcdctl (a new connection per
 * command) and jetcd (one long-lived gRPC connection). The gateway runs with its default policy.
 */
@Timeout(120)
class DataPathTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);

    private static final int MEBIBYTE = 1024 * 1024;
    private static final long LEASE_TTL_SECONDS = 2;
    /** Past the TTL with room for etcd's lease checks, which run every 500 ms. */
    private static final Duration LEASE_EXPIRY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(5);
    private static final long FUTURE_TIMEOUT_SECONDS = 15;
    private static final Pattern LEASE_GRANTED = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\((\\d+)s\\)");

    private static GatewayProcess gateway;
    private static Etcdctl etcdctl;
    private static Client jetcd;

    @BeforeAll
    static void startGatewayAndClients() {
        // Endpoints as URLs, as etcd's own flags and docs spell them: the gateway strips the scheme.
        String endpointUrls = CLUSTER.cluster().clientEndpoints().stream().map(endpoint -> "http://" + endpoint)
                .collect(Collectors.joining(","));
        gateway = GatewayProcess.start("--endpoints", endpointUrls, "--listen-addr", "127.0.0.1:0",
                "--dial-timeout", "1s", "--retry-delay", "1s");
        DIAGNOSTICS.forClass("gateway", gateway::output);
        etcdctl = Etcdctl.at(gateway.listenAddress());
        jetcd = Client.builder().endpoints("http://" + gateway.listenAddress()).build();
    }

    @AfterAll
    static void stopGatewayAndClients() {
        if (jetcd != null) {
            jetcd.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void etcdctlPutThenGet() {
        CommandResult put = etcdctl.run("put", "it/data/etcdctl/put", "through the gateway");
        assertThat(put.succeeded()).as(put::describe).isTrue();
        assertThat(put.stdout()).isEqualTo("OK\n");

        CommandResult get = etcdctl.run("get", "it/data/etcdctl/put", "--print-value-only");
        assertThat(get.succeeded()).as(get::describe).isTrue();
        assertThat(get.stdout()).isEqualTo("through the gateway\n");
        assertThat(directRead("it/data/etcdctl/put")).as("the write reached the cluster").isEqualTo("through the gateway\n");
    }

    @Test
    void etcdctlWatchReceivesEventsAsTheyHappen() {
        String key = "it/data/etcdctl/watch";
        try (ChildProcess watch = etcdctl.startInBackground("watch", key)) {
            // etcdctl does not say when its watch is registered: write until one event shows up.
            AtomicInteger warmUps = new AtomicInteger();
            Poll.untilTrue("the etcdctl watch through the gateway to see a first event", Duration.ofSeconds(15), () -> {
                if (!watch.isAlive()) {
                    throw new AssertionError("etcdctl watch exited:\n" + watch.result(false).describe());
                }
                if (watch.stdout().contains("warm-up-")) {
                    return true;
                }
                requireSuccess(etcdctl.run("put", key, "warm-up-" + warmUps.incrementAndGet()));
                return false;
            });

            requireSuccess(etcdctl.run("put", key, "live-event"));
            Poll.untilTrue("the put to arrive on the open watch", EVENT_TIMEOUT,
                    () -> watch.stdout().contains("PUT\n" + key + "\nlive-event\n"));
            requireSuccess(etcdctl.run("del", key));
            Poll.untilTrue("the delete to arrive on the open watch", EVENT_TIMEOUT,
                    () -> watch.stdout().contains("DELETE\n" + key + "\n"));
            assertThat(watch.isAlive()).as("the watch stream is still open").isTrue();
        }
    }

    @Test
    void etcdctlLeaseKeptAliveOutlivesItsTtl() {
        String keptKey = "it/data/etcdctl/lease/kept";
        String lapsedKey = "it/data/etcdctl/lease/lapsed";
        String keptLease = grantLease();
        requireSuccess(etcdctl.run("put", "--lease=" + keptLease, keptKey, "alive"));
        try (ChildProcess keepAlive = etcdctl.startInBackground("lease", "keep-alive", keptLease)) {
            // A twin lease nobody keeps alive is the clock: once its key is gone, the TTL has passed
            // for the kept lease too, which was granted first.
            String lapsedLease = grantLease();
            requireSuccess(etcdctl.run("put", "--lease=" + lapsedLease, lapsedKey, "gone soon"));
            Poll.untilTrue("the key of the lease nobody keeps alive to expire", LEASE_EXPIRY_TIMEOUT,
                    () -> requireSuccess(etcdctl.run("get", lapsedKey, "--print-value-only")).stdout().isEmpty());

            assertThat(requireSuccess(etcdctl.run("get", keptKey, "--print-value-only")).stdout())
                    .as("the key of the lease kept alive through the gateway")
                    .isEqualTo("alive\n");
            assertThat(keepAlive.isAlive()).as(() -> "etcdctl lease keep-alive still runs:\n"
                    + keepAlive.result(false).describe()).isTrue();
            assertThat(keepAlive.stdout()).contains("lease " + keptLease + " keepalived");
        }
    }

    @Test
    void etcdctlMebibyteValueComesBackByteForByte() {
        String key = "it/data/etcdctl/large";
        String value = randomText(MEBIBYTE);
        // A mebibyte is past the kernel's limit for one argument, so the value goes through stdin.
        requireSuccess(etcdctl.runWithInput(value.getBytes(StandardCharsets.US_ASCII), "put", key));

        String read = requireSuccess(etcdctl.run("get", key, "--print-value-only")).stdout();
        assertThat(read).hasSize(MEBIBYTE + 1).endsWith("\n");
        assertSameBytes(read.substring(0, MEBIBYTE).getBytes(StandardCharsets.US_ASCII),
                value.getBytes(StandardCharsets.US_ASCII));
    }

    /** etcd's own gateway could not parse IPv6 endpoints before 3.6; this one listens and forwards over IPv6. */
    @Test
    void etcdctlPutThenGetOverIpv6() throws UnknownHostException {
        List<String> flags = List.of("--endpoints", String.join(",", CLUSTER.cluster().ipv6ClientEndpoints()),
                "--listen-addr", "[::1]:0", "--dial-timeout", "1s", "--retry-delay", "1s");
        try (GatewayProcess ipv6Gateway = GatewayProcess.start(List.of(), flags)) {
            DIAGNOSTICS.forTest("IPv6 gateway", ipv6Gateway::output);
            assertThat(InetAddress.getByName(ipv6Gateway.host()))
                    .as("the bound address %s", ipv6Gateway.listenAddress())
                    .isEqualTo(InetAddress.getByName("::1"));
            Etcdctl overIpv6 = Etcdctl.at(ipv6Gateway.listenAddress());

            requireSuccess(overIpv6.run("put", "it/data/ipv6", "over ::1"));

            assertThat(requireSuccess(overIpv6.run("get", "it/data/ipv6", "--print-value-only")).stdout()).isEqualTo("over ::1\n");
            assertThat(CLUSTER.cluster().memberIds()).contains(overIpv6.requireServingMember());
        }
    }

    @Test
    void jetcdPutThenGet() throws Exception {
        KV kv = jetcd.getKVClient();
        ByteSequence key = bytes("it/data/jetcd/put");
        kv.put(key, bytes("through the gateway")).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);

        GetResponse response = kv.get(key).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(response.getKvs()).hasSize(1);
        assertThat(response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("through the gateway");
        assertThat(CLUSTER.cluster().memberIds()).contains(new MemberId(response.getHeader().getMemberId()));
    }

    @Test
    void jetcdWatchReceivesEventsAsTheyHappen() throws Exception {
        ByteSequence key = bytes("it/data/jetcd/watch");
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        WatchOption option = WatchOption.builder().withCreateNotify(true).build();
        Watch.Watcher watcher = jetcd.getWatchClient().watch(key, option, Watch.listener(responses::add, errors::add));
        try {
            WatchResponse created = responses.poll(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(created).as("the watch's created notice; errors: %s", errors).isNotNull();
            assertThat(created.isCreatedNotify()).isTrue();

            jetcd.getKVClient().put(key, bytes("live-event")).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            WatchEvent put = nextEvent(responses, errors);
            assertThat(put.getEventType()).isEqualTo(WatchEvent.EventType.PUT);
            assertThat(put.getKeyValue().getValue().toString(StandardCharsets.UTF_8)).isEqualTo("live-event");

            // A write from another connection reaches this watch too.
            requireSuccess(etcdctl.run("del", "it/data/jetcd/watch"));
            assertThat(nextEvent(responses, errors).getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
        } finally {
            watcher.close();
        }
    }

    @Test
    void jetcdLeaseKeptAliveOutlivesItsTtl() throws Exception {
        ByteSequence keptKey = bytes("it/data/jetcd/lease/kept");
        ByteSequence lapsedKey = bytes("it/data/jetcd/lease/lapsed");
        long keptLease = jetcd.getLeaseClient().grant(LEASE_TTL_SECONDS).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS).getID();
        jetcd.getKVClient().put(keptKey, bytes("alive"), PutOption.builder().withLeaseId(keptLease).build())
                .get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        AtomicInteger renewals = new AtomicInteger();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        CloseableClient keepAlive = jetcd.getLeaseClient().keepAlive(keptLease, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                renewals.incrementAndGet();
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }

            @Override
            public void onCompleted() {
            }
        });
        try {
            // The twin lease nobody keeps alive tells when the TTL has passed (see the etcdctl test).
            long lapsedLease = jetcd.getLeaseClient().grant(LEASE_TTL_SECONDS).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS).getID();
            jetcd.getKVClient().put(lapsedKey, bytes("gone soon"), PutOption.builder().withLeaseId(lapsedLease).build())
                    .get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Poll.untilTrue("the key of the lease nobody keeps alive to expire", LEASE_EXPIRY_TIMEOUT,
                    () -> jetcd.getKVClient().get(lapsedKey).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS).getKvs().isEmpty());

            assertThat(jetcd.getKVClient().get(keptKey).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS).getKvs())
                    .as("the key of the lease kept alive through the gateway; keep-alive errors: %s", errors)
                    .hasSize(1);
            assertThat(jetcd.getLeaseClient().timeToLive(keptLease, LeaseOption.DEFAULT)
                    .get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS).getTTL()).isPositive();
            assertThat(renewals.get()).as("keep-alive answers").isPositive();
            assertThat(errors).isEmpty();
        } finally {
            keepAlive.close();
        }
    }

    @Test
    void jetcdMebibyteValueComesBackByteForByte() throws Exception {
        ByteSequence key = bytes("it/data/jetcd/large");
        byte[] value = new byte[MEBIBYTE];
        ThreadLocalRandom.current().nextBytes(value);
        jetcd.getKVClient().put(key, ByteSequence.from(value)).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);

        List<io.etcd.jetcd.KeyValue> read = jetcd.getKVClient().get(key).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS).getKvs();
        assertThat(read).hasSize(1);
        assertSameBytes(read.get(0).getValue().getBytes(), value);
    }

    private static String grantLease() {
        CommandResult grant = requireSuccess(etcdctl.run("lease", "grant", Long.toString(LEASE_TTL_SECONDS)));
        Matcher matcher = LEASE_GRANTED.matcher(grant.stdout());
        assertThat(matcher.find()).as(grant::describe).isTrue();
        return matcher.group(1);
    }

    /** Reads {@code key} from a member directly, bypassing the gateway. */
    private static String directRead(String key) {
        return requireSuccess(Etcdctl.at(CLUSTER.cluster().clientEndpoint(0)).run("get", key, "--print-value-only")).stdout();
    }

    private static WatchEvent nextEvent(BlockingQueue<WatchResponse> responses, BlockingQueue<Throwable> errors)
            throws InterruptedException {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            WatchResponse response = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            Optional<WatchEvent> event = Optional.ofNullable(response).flatMap(r -> r.getEvents().stream().findFirst());
            if (event.isPresent()) {
                return event.get();
            }
        }
        throw new AssertionError("no watch event within " + EVENT_TIMEOUT.toMillis() + " ms; errors: " + errors);
    }

    private static CommandResult requireSuccess(CommandResult result) {
        if (!result.succeeded()) {
            throw new AssertionError("etcdctl failed:\n" + result.describe());
        }
        return result;
    }

    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(actual.length).as("length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as("the index of the first differing byte").isEqualTo(-1);
    }

    private static String randomText(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder text = new StringBuilder(length);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
