package org.etcdgateway.discovery.refresh;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discovery that looks its endpoints up again and again: DNS records when their TTL runs out,
 * the member list every sync interval. Subclasses say how to look up once; this class does the
 * rest, the same way for every source:
 *
 * <ul>
 *   <li>the first lookup runs in {@link #start}, or begins on the discovery scheduler in
 *       {@link #prepare} for {@code start} to take up; failing, or finding nothing, is a
 *       start-up error;
 *   <li>later lookups run on the discovery scheduler, after the delay the last one asked for;
 *   <li>a lookup that fails or finds nothing keeps the last good set (it is logged, and retried
 *       after {@link #retryDelay()}): the set is never emptied by a failed refresh;
 *   <li>{@link #refresh()} (every endpoint failed) looks up at once, at most once per
 *       {@link #minimumRefreshGap()};
 *   <li>a set is delivered only when it differs from the last, with one log line naming what
 *       was added and removed.
 * </ul>
 */
public abstract class RefreshingDiscovery implements EndpointDiscovery {

    private static final Logger log = LoggerFactory.getLogger(RefreshingDiscovery.class);

    /** What one lookup found, and when to look again if all is well. */
    public record Lookup(List<Endpoint> endpoints, Duration nextLookupIn) {
        public Lookup {
            endpoints = List.copyOf(new LinkedHashSet<>(endpoints));
            Objects.requireNonNull(nextLookupIn, "nextLookupIn");
        }
    }

    private final String name;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    private Listener listener;
    private List<Endpoint> current = List.of();
    private ScheduledFuture<?> next;
    /** The first lookup, begun by {@link #prepare} and not yet taken up by {@link #start}. */
    private Future<Lookup> early;
    private long lastLookupNanos;
    private boolean closed;

    /** @param name the provider's name, for log lines: {@code discovery <name>: ...} */
    protected RefreshingDiscovery(String name, DiscoveryContext context) {
        this.name = name;
        this.scheduler = context.scheduler();
    }

    /**
     * Looks the endpoints up once. Runs on the discovery thread (or the starting thread, the first
     * time, when nothing called {@link #prepare}); may block, within its own timeouts.
     *
     * @throws Exception saying what was asked and what went wrong, for the log
     */
    protected abstract Lookup lookup() throws Exception;

    /** How long to wait after a failed lookup before the next one. */
    protected abstract Duration retryDelay();

    /** The least time between two lookups that {@link #refresh()} asks for. */
    protected Duration minimumRefreshGap() {
        return Duration.ofSeconds(1);
    }

    /** What was looked up, for messages: {@code SRV records for example.com}. */
    protected abstract String describeSource();

    /** Begins the first lookup on the discovery scheduler: it runs while the gateway starts its network. */
    @Override
    public final void prepare() {
        synchronized (lock) {
            if (early != null || listener != null || closed) {
                return;
            }
            try {
                early = scheduler.submit(this::lookup);
            } catch (RejectedExecutionException e) {
                // The gateway is stopping; start, if it comes, looks up itself.
            }
        }
    }

    @Override
    public final void start(Listener listener) throws DiscoveryException {
        Lookup first;
        try {
            first = firstLookup();
        } catch (Exception e) {
            throw new DiscoveryException("discovery " + name + ": no endpoints from " + describeSource() + ": "
                    + describe(e), e);
        }
        if (first.endpoints().isEmpty()) {
            throw new DiscoveryException("discovery " + name + ": " + describeSource() + " gave no usable endpoint");
        }
        synchronized (lock) {
            this.listener = listener;
            lastLookupNanos = System.nanoTime();
            deliver(first.endpoints());
            schedule(first.nextLookupIn());
        }
    }

    /** The lookup {@link #prepare} began, once done, or a lookup now. */
    private Lookup firstLookup() throws Exception {
        Future<Lookup> begun;
        synchronized (lock) {
            begun = early;
            early = null;
        }
        if (begun == null) {
            return lookup();
        }
        try {
            return begun.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    public final void refresh() {
        synchronized (lock) {
            if (closed || listener == null) {
                return;
            }
            long sinceLast = System.nanoTime() - lastLookupNanos;
            Duration wait = minimumRefreshGap().minusNanos(sinceLast);
            if (wait.isNegative()) {
                wait = Duration.ZERO;
            }
            if (next != null && next.getDelay(TimeUnit.NANOSECONDS) <= wait.toNanos()) {
                return;
            }
            log.info("discovery {}: every endpoint failed; looking {} up again in {}", name, describeSource(),
                    Durations.format(wait));
            schedule(wait);
        }
    }

    private void runLookup() {
        Lookup found;
        try {
            found = lookup();
        } catch (Exception e) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                lastLookupNanos = System.nanoTime();
                log.warn("discovery {}: looking up {} failed: {}; keeping the last {} endpoint(s), next try in {}",
                        name, describeSource(), describe(e), current.size(), Durations.format(retryDelay()));
                schedule(retryDelay());
            }
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            lastLookupNanos = System.nanoTime();
            if (found.endpoints().isEmpty()) {
                log.warn("discovery {}: {} gave no usable endpoint; keeping the last {} endpoint(s), next try in {}",
                        name, describeSource(), current.size(), Durations.format(retryDelay()));
                schedule(retryDelay());
                return;
            }
            deliver(found.endpoints());
            schedule(found.nextLookupIn());
        }
    }

    /** Under the lock. */
    private void deliver(List<Endpoint> endpoints) {
        if (endpoints.equals(current)) {
            return;
        }
        Set<Endpoint> added = new LinkedHashSet<>(endpoints);
        current.forEach(added::remove);
        Set<Endpoint> removed = new LinkedHashSet<>(current);
        endpoints.forEach(removed::remove);
        if (current.isEmpty()) {
            log.info("discovery {}: {} endpoint(s) from {}: {}", name, endpoints.size(), describeSource(), endpoints);
        } else {
            log.info("discovery {}: endpoints changed, now {}: added {}, removed {}", name, endpoints, added, removed);
        }
        current = endpoints;
        listener.onEndpoints(endpoints);
    }

    /** Under the lock. */
    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        try {
            next = scheduler.schedule(this::runLookup, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The gateway is stopping.
            next = null;
        }
    }

    /** The endpoints delivered last. */
    protected final List<Endpoint> current() {
        synchronized (lock) {
            return current;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
            if (early != null) {
                early.cancel(true);
                early = null;
            }
        }
    }

    /** The innermost message of an exception chain, which is usually the one that says what happened. */
    protected static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String own = failure.getMessage();
        if (root != failure && own != null && message != null && !own.contains(message)) {
            return own + ": " + message;
        }
        return own != null ? own : message != null ? message : root.getClass().getSimpleName();
    }
}
