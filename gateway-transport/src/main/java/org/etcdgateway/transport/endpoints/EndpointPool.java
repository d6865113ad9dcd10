package org.etcdgateway.transport.endpoints;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.transport.EndpointStatus;
import org.etcdgateway.api.transport.EndpointStatus.Health;
import org.etcdgateway.transport.health.HealthCheck;
import org.etcdgateway.transport.health.HealthResult;
import org.etcdgateway.transport.health.HealthSettings;
import org.etcdgateway.transport.metrics.EndpointMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one view of each endpoint's state that both transports share: failed dials and health
 * checks both feed it, the policy picks only among what it calls usable, and it knows the
 * connections open to each endpoint.
 *
 * <p>An endpoint is usable unless a dial to it failed or its health checks call it unhealthy:
 * <ul>
 *   <li>A failed dial takes it out at once. It returns when a re-dial, every retry delay,
 *       succeeds (etcd's gateway does the same, less the dial timeout; its v2 proxy waits
 *       failure-wait), or, with health checks on, after {@code rise} good checks in a row.</li>
 *   <li>Health checks run every interval on every endpoint. A new endpoint is used until its
 *       first check ends, and takes that check's verdict. After that, {@code fall} bad checks in
 *       a row make it unhealthy and {@code rise} good ones healthy again. Connections open to an
 *       endpoint that turns unhealthy are closed after the grace, so that long-lived clients
 *       (gRPC, watches) reconnect to a healthy member; a failed dial alone closes nothing.</li>
 * </ul>
 *
 * <p>When no endpoint passes its checks, the ones that still take dials are used all the same,
 * and connections to them are kept: etcd's {@code /health} fails on every member at once while
 * the cluster elects a leader or has lost quorum, and a client is better served by a member that
 * tells it so (or answers its serializable reads) than by a closed connection. Once one endpoint
 * is healthy again, the unhealthy ones leave rotation and connections held to them past their
 * grace are closed.
 *
 * <p>Reads ({@link #usable()}) are a volatile load of an immutable list, so the per-connection
 * path takes no lock; the list instance only changes when the usable set does, which lets
 * policies cache by identity.
 */
public final class EndpointPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);

    private final ScheduledExecutorService scheduler;
    private final Function<Endpoint, CompletionStage<?>> dialer;
    private final Runnable onAllFailed;
    private final EndpointMetrics metrics;

    /** Guarded by {@code this}. Insertion order is the discovery's order. */
    private final Map<Endpoint, State> states = new LinkedHashMap<>();
    private Duration retryDelay;
    private HealthSettings health;
    private HealthCheck check;
    private volatile List<Endpoint> usable = List.of();
    private volatile List<Endpoint> all = List.of();
    /** The states by endpoint, for the data path's lock-free lookups. */
    private volatile Map<Endpoint, State> index = Map.of();
    /** Whether some endpoint is usable on its own merits; false when all are out or only the fallback is left. */
    private boolean anyHealthy;
    /** No endpoint is healthy and the usable list is those that still take dials. */
    private boolean fallback;
    private boolean closed;

    /**
     * @param dialer      makes a test connection to an endpoint and closes it; completes
     *                    exceptionally when the dial fails
     * @param onAllFailed called (outside the lock) when the last usable endpoint fails a dial
     *                    or its health checks
     * @param metrics     the endpoints' counters
     */
    public EndpointPool(Duration retryDelay, ScheduledExecutorService scheduler,
                        Function<Endpoint, CompletionStage<?>> dialer, Runnable onAllFailed, EndpointMetrics metrics) {
        this.retryDelay = retryDelay;
        this.scheduler = scheduler;
        this.dialer = dialer;
        this.onAllFailed = onAllFailed;
        this.metrics = metrics;
    }

    /**
     * Turns health checks on with {@code settings} and {@code check}, or off when
     * {@code check} is null; on a reload, replaces the running ones. An endpoint whose checks stay
     * on keeps its verdict; the new checks start at once.
     */
    public synchronized void healthChecks(HealthSettings settings, HealthCheck check) {
        boolean wereOn = this.check != null;
        this.health = settings;
        this.check = check;
        for (State state : states.values()) {
            state.cancelCheck();
            state.goodInARow = 0;
            state.badInARow = 0;
            if (check == null) {
                state.health = Health.UNCHECKED;
                state.cancelGraceClose();
            } else {
                if (!wereOn) {
                    state.health = Health.UNKNOWN;
                }
                scheduleCheck(state, 0);
            }
        }
        publish();
    }

    /** How long an endpoint whose dial failed waits for its re-dial; from the next failure on. */
    public synchronized void retryDelay(Duration delay) {
        this.retryDelay = delay;
    }

    /** The endpoints a new connection may go to now: immutable, possibly empty. */
    public List<Endpoint> usable() {
        return usable;
    }

    /** Every endpoint known, usable or not. */
    public List<Endpoint> all() {
        return all;
    }

    /**
     * Replaces the endpoint set. Endpoints that stay keep their state; new ones start usable, and
     * their first health check starts at once; removed ones are forgotten (connections already
     * made to them are not touched).
     */
    public synchronized void replace(List<Endpoint> endpoints) {
        if (closed) {
            return;
        }
        Map<Endpoint, State> previous = new LinkedHashMap<>(states);
        states.clear();
        for (Endpoint endpoint : endpoints) {
            State state = previous.remove(endpoint);
            if (state == null) {
                state = new State(endpoint, metrics.of(endpoint.authority()));
                state.health = check == null ? Health.UNCHECKED : Health.UNKNOWN;
                if (check != null) {
                    scheduleCheck(state, 0);
                }
            }
            states.put(endpoint, state);
        }
        for (State removed : previous.values()) {
            removed.cancelAll();
            if (!states.keySet().stream().anyMatch(kept -> kept.authority().equals(removed.endpoint.authority()))) {
                metrics.forget(removed.endpoint.authority());
            }
        }
        all = List.copyOf(states.keySet());
        index = Map.copyOf(states);
        publish();
    }

    /** A dial to {@code endpoint} failed: out of rotation until a re-dial or {@code rise} good checks succeed. */
    public void markFailed(Endpoint endpoint, Throwable cause) {
        boolean noneLeft;
        synchronized (this) {
            State state = states.get(endpoint);
            if (closed || state == null) {
                return;
            }
            state.counters.dialFailures().inc();
            state.goodInARow = 0;
            if (state.dialFailed) {
                return;
            }
            boolean hadUsable = !usable.isEmpty();
            boolean hadHealthy = anyHealthy;
            state.dialFailed = true;
            state.lastError = describe(cause);
            publish();
            noneLeft = (hadUsable && usable.isEmpty()) || (hadHealthy && !anyHealthy);
            log.warn("endpoint {} failed: {}; out of rotation, next dial in {}{} ({} of {} endpoints usable)",
                    endpoint, state.lastError, Durations.format(retryDelay),
                    check == null ? "" : " or back after " + health.rise() + " good health check(s)",
                    usable.size(), states.size());
            scheduleRetry(state);
        }
        if (noneLeft) {
            onAllFailed.run();
        }
    }

    /** The policy chose {@code endpoint}: counted for the metrics. */
    public void picked(Endpoint endpoint) {
        State state = index.get(endpoint);
        if (state != null) {
            state.counters.picks().inc();
        }
    }

    /**
     * Counts {@code channel} as a connection to {@code endpoint} until it closes, and closes it
     * (after the grace) if the endpoint turns unhealthy. Returns the endpoint's counters, for the
     * bytes it carries, or null when the endpoint has been removed meanwhile.
     */
    public EndpointMetrics.Counters track(Endpoint endpoint, Channel channel) {
        State state = index.get(endpoint);
        if (state == null) {
            return null;
        }
        state.counters.connections().inc();
        state.open.add(channel);
        channel.closeFuture().addListener((ChannelFutureListener) closed -> state.open.remove(closed.channel()));
        return state.counters;
    }

    /** Why {@code endpoint} last failed a dial or a health check, or null when it has not. */
    public synchronized String lastError(Endpoint endpoint) {
        State state = states.get(endpoint);
        return state == null ? null : state.lastError;
    }

    /** Every endpoint's state now, in the discovery's order. */
    public synchronized List<EndpointStatus> status() {
        List<EndpointStatus> status = new ArrayList<>(states.size());
        for (State state : states.values()) {
            status.add(new EndpointStatus(state.endpoint, state.usable(), state.health, state.open.size(), state.lastError));
        }
        return status;
    }

    private void scheduleRetry(State state) {
        try {
            state.retry = scheduler.schedule(() -> retry(state), retryDelay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing will dial again.
        }
    }

    private void retry(State state) {
        synchronized (this) {
            if (isStale(state)) {
                return;
            }
        }
        dialer.apply(state.endpoint).whenComplete((ignored, failure) -> {
            synchronized (this) {
                if (isStale(state) || !state.dialFailed) {
                    return;
                }
                if (failure == null) {
                    state.dialFailed = false;
                    state.retry = null;
                    publish();
                    log.info("endpoint {} {}: the dial after {} succeeded ({} of {} endpoints usable)", state.endpoint,
                            state.usable() ? "is back in rotation" : "answers dials again but is still unhealthy",
                            Durations.format(retryDelay), usable.size(), states.size());
                } else {
                    state.lastError = describe(failure);
                    state.counters.dialFailures().inc();
                    log.info("endpoint {} still unreachable: {}; next dial in {}", state.endpoint, state.lastError,
                            Durations.format(retryDelay));
                    scheduleRetry(state);
                }
            }
        });
    }

    private void scheduleCheck(State state, long delayNanos) {
        try {
            state.check = scheduler.schedule(() -> runCheck(state), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: no more checks.
        }
    }

    private void runCheck(State state) {
        HealthCheck running;
        synchronized (this) {
            if (isStale(state) || check == null) {
                return;
            }
            running = check;
        }
        long started = System.nanoTime();
        running.check(state.endpoint).whenComplete((result, failure) -> {
            HealthResult verdict = result != null ? result : HealthResult.unhealthy(describe(failure));
            boolean noneLeft = checked(state, running, verdict);
            if (noneLeft) {
                onAllFailed.run();
            }
        }).whenComplete((ignored, failure) -> {
            synchronized (this) {
                if (!isStale(state) && check == running) {
                    long next = health.interval().toNanos() - (System.nanoTime() - started);
                    scheduleCheck(state, Math.max(0, next));
                }
            }
        });
    }

    /** Applies one check's verdict; true when it took out the last usable endpoint. */
    private synchronized boolean checked(State state, HealthCheck by, HealthResult verdict) {
        if (isStale(state) || check != by) {
            return false;
        }
        boolean wasUsable = state.usable();
        boolean hadHealthy = anyHealthy;
        if (verdict.healthy()) {
            state.counters.healthyChecks().inc();
            state.badInARow = 0;
            state.goodInARow++;
            if (state.health == Health.UNKNOWN || (state.health == Health.UNHEALTHY && state.goodInARow >= health.rise())) {
                if (state.health == Health.UNHEALTHY) {
                    log.info("endpoint {} is healthy again after {} good check(s)", state.endpoint, state.goodInARow);
                }
                state.health = Health.HEALTHY;
                state.cancelGraceClose();
                state.closeDeferred = false;
            }
            if (state.dialFailed && state.goodInARow >= health.rise()) {
                state.dialFailed = false;
                state.cancelRetry();
                log.info("endpoint {} passed {} health check(s) since its failed dial", state.endpoint, state.goodInARow);
            }
        } else {
            state.counters.unhealthyChecks().inc();
            state.goodInARow = 0;
            state.badInARow++;
            state.lastError = verdict.reason();
            if (state.health == Health.UNKNOWN || (state.health == Health.HEALTHY && state.badInARow >= health.fall())) {
                state.health = Health.UNHEALTHY;
                closeAfterGrace(state);
            }
        }
        publish();
        if (state.usable() != wasUsable) {
            log.info("endpoint {} is {} rotation ({} of {} endpoints healthy)", state.endpoint,
                    state.usable() ? "back in" : "out of", healthyCount(), states.size());
        }
        return hadHealthy && !anyHealthy;
    }

    private void closeAfterGrace(State state) {
        int open = state.open.size();
        log.warn("endpoint {} is unhealthy: {}; {} open connection(s) to it close {}", state.endpoint,
                state.lastError, open, health.grace().isZero() ? "now" : "in " + Durations.format(health.grace()));
        state.cancelGraceClose();
        try {
            state.graceClose = scheduler.schedule(() -> closeConnections(state), health.grace().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: the drain closes them.
        }
    }

    private void closeConnections(State state) {
        synchronized (this) {
            if (closed || state.health != Health.UNHEALTHY) {
                return;
            }
            state.graceClose = null;
            if (!anyHealthy) {
                if (!state.closeDeferred && !state.open.isEmpty()) {
                    log.warn("keeping {} connection(s) to unhealthy endpoint {} open: no endpoint is healthy to move "
                            + "them to; they close once one is", state.open.size(), state.endpoint);
                }
                state.closeDeferred = true;
                return;
            }
            state.closeDeferred = false;
        }
        List<Channel> open = List.copyOf(state.open);
        if (!open.isEmpty()) {
            log.info("closing {} connection(s) to unhealthy endpoint {}", open.size(), state.endpoint);
        }
        open.forEach(Channel::close);
    }

    /** True when the pool is closed or {@code state} no longer belongs to an endpoint it knows. */
    private boolean isStale(State state) {
        return closed || states.get(state.endpoint) != state;
    }

    /**
     * Recomputes the usable list: the endpoints usable on their own merits or, when there is none,
     * those that fail only their health checks (see the class comment).
     */
    private void publish() {
        List<Endpoint> healthy = new ArrayList<>(states.size());
        List<Endpoint> dialable = new ArrayList<>(states.size());
        states.forEach((endpoint, state) -> {
            if (!state.dialFailed) {
                dialable.add(endpoint);
                if (state.usable()) {
                    healthy.add(endpoint);
                }
            }
        });
        boolean wasHealthy = anyHealthy;
        boolean wasFallback = fallback;
        anyHealthy = !healthy.isEmpty();
        fallback = !anyHealthy && !dialable.isEmpty();
        List<Endpoint> now = anyHealthy ? healthy : dialable;
        if (!now.equals(usable)) {
            usable = List.copyOf(now);
            if (fallback) {
                log.warn("no endpoint passes its health checks: new connections go to the {} that still take dials {} "
                        + "until one does; open connections are kept", dialable.size(), dialable);
            }
        }
        if (wasFallback && anyHealthy) {
            log.info("endpoint(s) {} healthy again: the unhealthy ones are out of rotation", healthy);
        }
        if (anyHealthy && !wasHealthy) {
            states.values().stream().filter(state -> state.closeDeferred).forEach(this::closeSoon);
        }
    }

    /** Closes the connections {@link #closeConnections} held back, off the caller's thread and lock. */
    private void closeSoon(State state) {
        try {
            scheduler.execute(() -> closeConnections(state));
        } catch (RejectedExecutionException e) {
            // Shutting down: the drain closes them.
        }
    }

    private long healthyCount() {
        return anyHealthy ? usable.size() : 0;
    }

    public static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    @Override
    public synchronized void close() {
        closed = true;
        states.values().forEach(State::cancelAll);
    }

    /** One endpoint's state. Fields other than {@code open} are guarded by the pool. */
    private static final class State {
        final Endpoint endpoint;
        final EndpointMetrics.Counters counters;
        final Set<Channel> open = ConcurrentHashMap.newKeySet();
        boolean dialFailed;
        /** Its grace ran out while no endpoint was healthy: its connections close once one is. */
        boolean closeDeferred;
        Health health = Health.UNCHECKED;
        int goodInARow;
        int badInARow;
        String lastError;
        ScheduledFuture<?> retry;
        ScheduledFuture<?> check;
        ScheduledFuture<?> graceClose;

        State(Endpoint endpoint, EndpointMetrics.Counters counters) {
            this.endpoint = endpoint;
            this.counters = counters;
        }

        boolean usable() {
            return !dialFailed && health != Health.UNHEALTHY;
        }

        void cancelRetry() {
            retry = cancel(retry);
        }

        void cancelCheck() {
            check = cancel(check);
        }

        void cancelGraceClose() {
            graceClose = cancel(graceClose);
        }

        void cancelAll() {
            cancelRetry();
            cancelCheck();
            cancelGraceClose();
        }

        private static ScheduledFuture<?> cancel(ScheduledFuture<?> task) {
            if (task != null) {
                task.cancel(false);
            }
            return null;
        }
    }
}
