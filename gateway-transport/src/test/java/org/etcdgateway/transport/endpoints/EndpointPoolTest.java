package org.etcdgateway.transport.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.transport.EndpointStatus;
import org.etcdgateway.api.transport.EndpointStatus.Health;
import org.etcdgateway.transport.health.HealthCheck;
import org.etcdgateway.transport.health.HealthResult;
import org.etcdgateway.transport.health.HealthSettings;
import org.etcdgateway.transport.metrics.EndpointMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The endpoint state machine: failed dials and health checks feeding one view. The checks here
 * answer what the test says (the probes themselves are tested against real servers in the
 * health package); the timers, thresholds and the closing of connections are the real ones.
 */
@Timeout(30)
class EndpointPoolTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final int RISE = 3;
    private static final int FALL = 2;
    private static final Endpoint A = Endpoint.of("127.0.0.1", 2379, "test");
    private static final Endpoint B = Endpoint.of("127.0.0.1", 22379, "test");

    private DefaultEventLoop scheduler;
    private EndpointPool pool;
    private final Verdicts verdicts = new Verdicts();
    private final AtomicInteger allFailed = new AtomicInteger();
    private final AtomicInteger redials = new AtomicInteger();

    @BeforeEach
    void setUp() {
        scheduler = new DefaultEventLoop();
        // Re-dials fail unless a test says otherwise, and come only after an hour: here, never.
        pool = new EndpointPool(Duration.ofHours(1), scheduler, endpoint -> {
            redials.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("refused"));
        }, allFailed::incrementAndGet, new EndpointMetrics(new PrometheusRegistry(), () -> pool.status()));
    }

    @AfterEach
    void tearDown() {
        pool.close();
        scheduler.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void checksOn(Duration grace) {
        pool.healthChecks(new HealthSettings(HealthSettings.Check.HTTP, INTERVAL, INTERVAL, RISE, FALL, grace), verdicts);
    }

    @Test
    void aNewEndpointTakesItsFirstChecksVerdictAtOnce() {
        checksOn(Duration.ZERO);
        verdicts.set(B, false);
        CompletableFuture<Void> firstCheckOfB = verdicts.hold(B);
        pool.replace(List.of(A, B));
        await(() -> health(A) == Health.HEALTHY);
        assertThat(pool.usable()).as("used until the first check ends").containsExactly(A, B);

        firstCheckOfB.complete(null);
        await(() -> health(B) == Health.UNHEALTHY);
        assertThat(pool.usable()).containsExactly(A);
        assertThat(pool.lastError(B)).isEqualTo("no answer from 127.0.0.1:22379");
    }

    @Test
    void fallBadChecksInARowTakeAHealthyEndpointOutAndRiseGoodOnesBringItBack() {
        checksOn(Duration.ZERO);
        pool.replace(List.of(A, B));
        await(() -> health(A) == Health.HEALTHY);

        int before = verdicts.calls(A);
        verdicts.set(A, false);
        await(() -> !pool.usable().contains(A));
        assertThat(verdicts.calls(A) - before).as("checks of A since it went bad").isGreaterThanOrEqualTo(FALL);
        assertThat(health(A)).isEqualTo(Health.UNHEALTHY);

        before = verdicts.calls(A);
        verdicts.set(A, true);
        await(() -> pool.usable().contains(A));
        assertThat(verdicts.calls(A) - before).as("checks of A since it answered again").isGreaterThanOrEqualTo(RISE);
        assertThat(pool.usable()).containsExactly(A, B);
    }

    @Test
    void aFailedDialTakesAnEndpointOutUntilRiseGoodChecksWithoutWaitingForTheRetryDelay() {
        checksOn(Duration.ZERO);
        pool.replace(List.of(A, B));
        await(() -> health(A) == Health.HEALTHY);

        pool.markFailed(A, new ConnectException("connection refused"));
        assertThat(pool.usable()).containsExactly(B);
        assertThat(pool.lastError(A)).isEqualTo("connection refused");

        await(() -> pool.usable().contains(A));
        assertThat(redials.get()).as("the hourly re-dial never ran").isZero();
    }

    @Test
    void withoutChecksAFailedDialIsOutUntilTheRedialSucceeds() {
        pool.replace(List.of(A, B));
        assertThat(health(A)).isEqualTo(Health.UNCHECKED);

        pool.markFailed(A, new ConnectException("connection refused"));
        pool.markFailed(B, new ConnectException("connection refused"));

        assertThat(pool.usable()).isEmpty();
        assertThat(allFailed.get()).as("the discovery was asked to look again").isEqualTo(1);
        assertThat(health(A)).isEqualTo(Health.UNCHECKED);
    }

    @Test
    void connectionsToAnEndpointThatTurnsUnhealthyAreClosedAfterTheGrace() {
        checksOn(Duration.ofMillis(300));
        pool.replace(List.of(A, B));
        await(() -> health(A) == Health.HEALTHY);
        EmbeddedChannel toA = new EmbeddedChannel();
        EmbeddedChannel toB = new EmbeddedChannel();
        pool.track(A, toA);
        pool.track(B, toB);
        assertThat(status(A).activeConnections()).isEqualTo(1);

        verdicts.set(A, false);
        await(() -> health(A) == Health.UNHEALTHY);
        long unhealthyAt = System.nanoTime();
        assertThat(toA.isOpen()).as("open during the grace").isTrue();

        await(() -> !toA.isOpen());
        assertThat(Duration.ofNanos(System.nanoTime() - unhealthyAt)).isGreaterThan(Duration.ofMillis(200));
        toA.runPendingTasks();
        assertThat(status(A).activeConnections()).isZero();
        assertThat(toB.isOpen()).as("the healthy endpoint's connection").isTrue();
    }

    @Test
    void anEndpointThatRecoversWithinTheGraceKeepsItsConnections() throws InterruptedException {
        checksOn(Duration.ofSeconds(2));
        // B stays healthy, so A's connections have somewhere to go and would be closed after the grace.
        pool.replace(List.of(A, B));
        await(() -> health(A) == Health.HEALTHY);
        EmbeddedChannel toA = new EmbeddedChannel();
        pool.track(A, toA);

        verdicts.set(A, false);
        await(() -> health(A) == Health.UNHEALTHY);
        verdicts.set(A, true);
        await(() -> health(A) == Health.HEALTHY);
        Thread.sleep(2_300);

        assertThat(toA.isOpen()).isTrue();
    }

    @Test
    void whenNoEndpointIsHealthyThoseThatTakeDialsAreUsedAndTheirConnectionsKeptUntilOneIs() throws InterruptedException {
        Duration grace = Duration.ofMillis(50);
        checksOn(grace);
        pool.replace(List.of(A, B));
        await(() -> health(A) == Health.HEALTHY && health(B) == Health.HEALTHY);
        EmbeddedChannel toA = new EmbeddedChannel();
        pool.track(A, toA);

        // A leader election: every member's /health fails at once.
        verdicts.set(A, false);
        verdicts.set(B, false);
        await(() -> health(A) == Health.UNHEALTHY && health(B) == Health.UNHEALTHY);
        assertThat(pool.usable()).as("the fallback: both still take dials").containsExactly(A, B);
        // The discovery is asked to look again: called outside the pool's lock, just after.
        await(() -> allFailed.get() == 1);
        Thread.sleep(grace.toMillis() * 6);
        assertThat(toA.isOpen()).as("kept past its grace: there is nowhere better to go").isTrue();
        assertThat(status(A).usable()).as("/readyz and /endpoints still say it is out").isFalse();

        pool.markFailed(A, new ConnectException("connection refused"));
        assertThat(pool.usable()).as("a failed dial still takes one out").containsExactly(B);

        verdicts.set(B, true);
        await(() -> health(B) == Health.HEALTHY);
        assertThat(pool.usable()).containsExactly(B);
        await(() -> !toA.isOpen());
    }

    @Test
    void removedEndpointsAreForgottenAndTheirChecksStop() throws InterruptedException {
        checksOn(Duration.ZERO);
        pool.replace(List.of(A, B));
        await(() -> health(B) == Health.HEALTHY);

        pool.replace(List.of(A));
        Thread.sleep(INTERVAL.toMillis() * 2);
        int checks = verdicts.calls(B);
        Thread.sleep(INTERVAL.toMillis() * 5);

        assertThat(verdicts.calls(B)).as("checks of B after it was removed").isLessThanOrEqualTo(checks + 1);
        assertThat(pool.status()).extracting(EndpointStatus::endpoint).containsExactly(A);
    }

    private Health health(Endpoint endpoint) {
        return status(endpoint).health();
    }

    private EndpointStatus status(Endpoint endpoint) {
        return pool.status().stream().filter(status -> status.endpoint().equals(endpoint)).findFirst().orElseThrow();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10s");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A check whose verdict per endpoint the test sets (healthy unless told otherwise), counting its calls. */
    private static final class Verdicts implements HealthCheck {
        private final Map<Endpoint, AtomicReference<Boolean>> healthy = new ConcurrentHashMap<>();
        private final Map<Endpoint, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final Map<Endpoint, CompletableFuture<Void>> held = new ConcurrentHashMap<>();

        /** The next check of {@code endpoint} answers only once the returned future completes. */
        CompletableFuture<Void> hold(Endpoint endpoint) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            held.put(endpoint, gate);
            return gate;
        }

        void set(Endpoint endpoint, boolean isHealthy) {
            healthy.computeIfAbsent(endpoint, e -> new AtomicReference<>(true)).set(isHealthy);
        }

        int calls(Endpoint endpoint) {
            return calls.computeIfAbsent(endpoint, e -> new AtomicInteger()).get();
        }

        @Override
        public CompletionStage<HealthResult> check(Endpoint endpoint) {
            calls.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
            CompletableFuture<Void> gate = held.remove(endpoint);
            return (gate == null ? CompletableFuture.<Void>completedFuture(null) : gate).thenApply(ignored -> {
                boolean isHealthy = healthy.computeIfAbsent(endpoint, e -> new AtomicReference<>(true)).get();
                return isHealthy ? HealthResult.healthy("200") : HealthResult.unhealthy("no answer from " + endpoint.authority());
            });
        }
    }
}
