package org.etcdgateway.transport.http;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.health.OneShotGet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which endpoint is the cluster's leader, so that writes (and quorum reads) can go straight
 * to it: a follower hands each on to the leader, one more hop and one more member's work per
 * request.
 *
 * <p>Every {@code leader-check-interval} it asks {@code GET /v2/members/leader} of the leader
 * itself while it knows one, so that a leader that stepped down or died shows at the next
 * question, and otherwise of the usable endpoints in turn. Until an answer names one of the
 * endpoints, and whenever an answer fails or says there is none (an election), the leader is
 * unknown and writes follow the policy as in etcd's proxy; after a failure or an answer without a
 * leader, the next endpoint is asked within {@value #UNKNOWN_RETRY_SECONDS} s. A leader that is
 * out of date costs only the hop: the member it names still takes the write and hands it on.
 * Each change is logged once.
 *
 * <p>One question is in flight at a time; the next is scheduled when it is answered.
 */
final class LeaderTracker {

    private static final Logger log = LoggerFactory.getLogger(LeaderTracker.class);
    private static final long UNKNOWN_RETRY_SECONDS = 1;
    private static final Duration UNKNOWN_RETRY = Duration.ofSeconds(UNKNOWN_RETRY_SECONDS);

    private final EndpointPool pool;
    private final OneShotGet get;
    private final EventLoop loop;
    private final Supplier<HttpSettings> settings;
    private volatile Endpoint leader;
    private volatile boolean stopped;
    /** Which usable endpoint to ask next while no leader is known. */
    private int turn;
    /** The state the log last named, so that each change is said once; a start with the setting off says nothing. */
    private String lastSaid = "off";
    private ScheduledFuture<?> next;

    LeaderTracker(EndpointPool pool, OneShotGet get, EventLoop loop, Supplier<HttpSettings> settings) {
        this.pool = pool;
        this.get = get;
        this.loop = loop;
        this.settings = settings;
    }

    /** The leader, when known and wanted for writes; else null. Callable from any thread. */
    Endpoint leader() {
        return leader;
    }

    /** Asks at once, then every interval, until {@link #stop()}. */
    void start() {
        run(this::ask);
    }

    void stop() {
        stopped = true;
        run(() -> {
            if (next != null) {
                next.cancel(false);
            }
        });
    }

    private void run(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // The loops are shutting down: nothing left to ask or cancel.
        }
    }

    private void ask() {
        if (stopped) {
            return;
        }
        HttpSettings current = settings.get();
        if (!current.writesToLeader()) {
            leader = null;
            say("off", "writes-to-leader is off: writes follow the policy");
            askAgainAfter(current.leaderCheckInterval());
            return;
        }
        List<Endpoint> usable = pool.usable();
        if (usable.isEmpty()) {
            askAgainAfter(current.leaderCheckInterval());
            return;
        }
        Endpoint known = leader;
        Endpoint asked = known != null && usable.contains(known) ? known : usable.get(Math.floorMod(turn++, usable.size()));
        get.get(asked, LeaderAnswer.PATH, LeaderAnswer::read, LeaderAnswer::failed)
                .whenComplete((answer, impossible) -> run(() -> answered(asked, answer)));
    }

    private void answered(Endpoint asked, LeaderAnswer answer) {
        if (stopped) {
            return;
        }
        if (answer.problem() != null) {
            learned(null, "asked " + asked + ": " + answer.problem());
        } else {
            List<Endpoint> endpoints = pool.all();
            answer.in(endpoints).ifPresentOrElse(
                    found -> learned(found, null),
                    () -> learned(null, "the leader's client URLs " + answer.clientUrls() + " name none of the endpoints "
                            + endpoints));
        }
        // No answer, or no leader yet: soon again. A leader that is none of the endpoints is not
        // going to change by the second.
        Duration interval = settings.get().leaderCheckInterval();
        askAgainAfter(answer.problem() != null && interval.compareTo(UNKNOWN_RETRY) > 0 ? UNKNOWN_RETRY : interval);
    }

    private void askAgainAfter(Duration interval) {
        if (stopped) {
            return;
        }
        try {
            next = loop.schedule(this::ask, interval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The loops are shutting down.
        }
    }

    private void learned(Endpoint found, String whyNone) {
        leader = found;
        if (found != null) {
            say(found.toString(), "writes go to the leader, " + found);
        } else {
            say("unknown", "the leader is unknown (" + whyNone + "); writes follow the policy");
        }
    }

    /** Logs {@code line} when the state differs from the last one logged; a new reason alone is no news. */
    private void say(String state, String line) {
        if (!state.equals(lastSaid)) {
            lastSaid = state;
            log.info(line);
        }
    }
}
