package org.etcdgateway.transport.endpoints;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of each endpoint, shared by the transports: usable, or out of rotation after a
 * failure until a re-dial, every retry delay, succeeds (etcd's gateway behaves the same, less
 * the dial timeout; its v2 proxy waits failure-wait).
 *
 * <p>Reads ({@link #usable()}) are a volatile load of an immutable list, so the per-connection
 * path takes no lock; the list instance only changes when the usable set does, which lets
 * policies cache by identity.
 */
public final class EndpointPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);

    private final Duration retryDelay;
    private final ScheduledExecutorService scheduler;
    private final Function<Endpoint, CompletionStage<?>> dialer;
    private final Runnable onAllFailed;

    /** Guarded by {@code this}. Insertion order is the discovery's order. */
    private final Map<Endpoint, State> states = new LinkedHashMap<>();
    private volatile List<Endpoint> usable = List.of();
    private volatile List<Endpoint> all = List.of();
    private boolean closed;

    /**
     * @param dialer      makes a test connection to an endpoint and closes it; completes
     *                    exceptionally when the dial fails
     * @param onAllFailed called (outside the lock) when the last usable endpoint fails
     */
    public EndpointPool(Duration retryDelay, ScheduledExecutorService scheduler,
                 Function<Endpoint, CompletionStage<?>> dialer, Runnable onAllFailed) {
        this.retryDelay = retryDelay;
        this.scheduler = scheduler;
        this.dialer = dialer;
        this.onAllFailed = onAllFailed;
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
     * Replaces the endpoint set. Endpoints that stay keep their state; new ones start usable;
     * removed ones are forgotten (connections already made to them are not touched).
     */
    public synchronized void replace(List<Endpoint> endpoints) {
        if (closed) {
            return;
        }
        Map<Endpoint, State> previous = new LinkedHashMap<>(states);
        states.clear();
        for (Endpoint endpoint : endpoints) {
            State state = previous.remove(endpoint);
            states.put(endpoint, state != null ? state : new State());
        }
        for (State removed : previous.values()) {
            removed.cancelRetry();
        }
        all = List.copyOf(states.keySet());
        publish();
    }

    /** A dial to {@code endpoint} failed: out of rotation until a re-dial succeeds. */
    public void markFailed(Endpoint endpoint, Throwable cause) {
        boolean noneLeft;
        synchronized (this) {
            State state = states.get(endpoint);
            if (closed || state == null || !state.usable) {
                return;
            }
            state.usable = false;
            state.lastError = describe(cause);
            publish();
            noneLeft = usable.isEmpty();
            log.warn("endpoint {} failed: {}; out of rotation, next dial in {} ({} of {} endpoints usable)",
                    endpoint, state.lastError, Durations.format(retryDelay), usable.size(), states.size());
            scheduleRetry(endpoint, state);
        }
        if (noneLeft) {
            onAllFailed.run();
        }
    }

    /** Why {@code endpoint} last failed, or null when it has not. */
    public synchronized String lastError(Endpoint endpoint) {
        State state = states.get(endpoint);
        return state == null ? null : state.lastError;
    }

    private void scheduleRetry(Endpoint endpoint, State state) {
        try {
            state.retry = scheduler.schedule(() -> retry(endpoint, state), retryDelay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing will dial again.
        }
    }

    private void retry(Endpoint endpoint, State state) {
        synchronized (this) {
            if (closed || states.get(endpoint) != state) {
                return;
            }
        }
        dialer.apply(endpoint).whenComplete((ignored, failure) -> {
            synchronized (this) {
                if (closed || states.get(endpoint) != state) {
                    return;
                }
                if (failure == null) {
                    state.usable = true;
                    state.retry = null;
                    publish();
                    log.info("endpoint {} is back in rotation: the dial after {} succeeded ({} of {} endpoints usable)",
                            endpoint, Durations.format(retryDelay), usable.size(), states.size());
                } else {
                    state.lastError = describe(failure);
                    log.info("endpoint {} still unreachable: {}; next dial in {}", endpoint, state.lastError,
                            Durations.format(retryDelay));
                    scheduleRetry(endpoint, state);
                }
            }
        });
    }

    private void publish() {
        List<Endpoint> now = new ArrayList<>(states.size());
        states.forEach((endpoint, state) -> {
            if (state.usable) {
                now.add(endpoint);
            }
        });
        if (!now.equals(usable)) {
            usable = List.copyOf(now);
        }
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
        states.values().forEach(State::cancelRetry);
    }

    private static final class State {
        boolean usable = true;
        String lastError;
        ScheduledFuture<?> retry;

        void cancelRetry() {
            if (retry != null) {
                retry.cancel(false);
            }
        }
    }
}
