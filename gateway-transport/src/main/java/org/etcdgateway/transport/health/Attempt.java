package org.etcdgateway.transport.health;

import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.etcdgateway.api.config.Durations;

/**
 * One check in flight on one event loop (a health check, or one {@link OneShotGet}): its
 * outcome, its deadline and its channel.
 *
 * <p>The first outcome wins, whether an answer, a failure or the deadline; later ones are
 * ignored. Whichever it is, the deadline is cancelled and the channel closed, so a check leaves
 * nothing open behind it. A failure is an outcome too, made by the attempt's failure function
 * from the reason, so the outcome never completes exceptionally. Apart from {@link #run}, use it
 * on its event loop only.
 *
 * @param <T> what the check finds out
 */
final class Attempt<T> {

    private static final String CONNECTING = "connecting";

    private final EventLoop loop;
    private final Duration timeout;
    private final Function<String, T> failure;
    private final CompletableFuture<T> verdict = new CompletableFuture<>();
    private final ScheduledFuture<?> deadline;
    private Channel channel;
    private String stage = CONNECTING;

    private Attempt(EventLoop loop, Duration timeout, Function<String, T> failure) {
        this.loop = loop;
        this.timeout = timeout;
        this.failure = failure;
        this.deadline = loop.schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Starts a check on one of {@code group}'s event loops: {@code start} runs there with a new
     * attempt and is to dial, {@link #attach} the channel and see the check through. The outcome
     * never completes exceptionally: an exception from {@code start} fails the check, and a group
     * that is shut down gives a failed outcome at once; {@code failure} makes a failed outcome
     * from its reason.
     */
    static <T> CompletionStage<T> run(EventLoopGroup group, Duration timeout, Function<String, T> failure,
                                      Consumer<Attempt<T>> start) {
        try {
            Attempt<T> attempt = new Attempt<>(group.next(), timeout, failure);
            attempt.loop.execute(() -> {
                try {
                    start.accept(attempt);
                } catch (RuntimeException e) {
                    attempt.fail(e);
                }
            });
            return attempt.verdict;
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(failure.apply("not checked: the gateway is stopping"));
        }
    }

    /** The event loop the check runs on, where it is to dial. */
    EventLoop loop() {
        return loop;
    }

    /** The check's channel: closed with the verdict, at once when the verdict is already in. */
    void attach(Channel channel) {
        this.channel = channel;
        // On a busy loop the deadline can pass before the check has even started.
        if (verdict.isDone()) {
            channel.close();
        }
    }

    /** What the check waits for now, named if the deadline passes: {@code in the TLS handshake}. */
    void stage(String stage) {
        this.stage = stage;
    }

    /** Ends the check with {@code result}, unless it has ended already. */
    void finish(T result) {
        if (verdict.complete(result)) {
            deadline.cancel(false);
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** Ends the check as failed for {@code reason}, unless it has ended already. */
    void fail(String reason) {
        finish(failure.apply(reason));
    }

    /** Ends the check as failed by {@code cause}, unless it has ended already. */
    void fail(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            timedOut();
        } else {
            fail(FailureReasons.describe(cause));
        }
    }

    private void timedOut() {
        fail("timed out after " + Durations.format(timeout) + " " + stage);
    }
}
