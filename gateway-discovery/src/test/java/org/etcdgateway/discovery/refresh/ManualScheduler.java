package org.etcdgateway.discovery.refresh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.etcdgateway.api.discovery.DiscoveryContext;

/**
 * A scheduler whose clock moves only when the test says so: scheduled tasks run on the test's
 * thread, one per {@link #runNext()}, so what a discovery schedules, and when, is asserted
 * without waiting. Supports the one method discoveries use, {@link #schedule(Runnable, long, TimeUnit)}.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final List<Task> pending = new ArrayList<>();
    private long nowNanos;
    private long sequence;
    private boolean rejecting;

    /** A discovery context lending this scheduler. */
    public DiscoveryContext context() {
        return () -> this;
    }

    /** The delay of the pending task due first, from the scheduler's clock; empty when none is pending. */
    public synchronized Optional<Duration> nextDelay() {
        return first().map(task -> Duration.ofNanos(task.dueNanos - nowNanos));
    }

    /** How many tasks wait to run, cancelled ones not counted. */
    public synchronized int pendingCount() {
        return (int) pending.stream().filter(task -> !task.cancelled).count();
    }

    /** Moves the clock to the task due first and runs it on this thread. */
    public void runNext() {
        Task task;
        synchronized (this) {
            task = first().orElseThrow(() -> new AssertionError("nothing is scheduled"));
            pending.remove(task);
            nowNanos = Math.max(nowNanos, task.dueNanos);
        }
        task.done = true;
        task.command.run();
    }

    /** From now on, refuses new tasks as a scheduler that is shutting down does. */
    public synchronized void rejectNewTasks() {
        rejecting = true;
    }

    private Optional<Task> first() {
        return pending.stream().filter(task -> !task.cancelled)
                .min(Comparator.comparingLong((Task task) -> task.dueNanos).thenComparingLong(task -> task.sequence));
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (rejecting) {
            throw new RejectedExecutionException("the scheduler is shutting down");
        }
        Task task = new Task(command, nowNanos + unit.toNanos(delay), sequence++);
        pending.add(task);
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by discoveries");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by discoveries");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by discoveries");
    }

    /** Queued to run now, that is, at the next {@link #runNext()}: how {@code submit} reaches it. */
    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("the gateway owns the scheduler; a discovery must not shut it down");
    }

    @Override
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("the gateway owns the scheduler; a discovery must not shut it down");
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }

    private final class Task implements ScheduledFuture<Object> {

        private final Runnable command;
        private final long dueNanos;
        private final long sequence;
        private volatile boolean cancelled;
        private volatile boolean done;

        Task(Runnable command, long dueNanos, long sequence) {
            this.command = command;
            this.dueNanos = dueNanos;
            this.sequence = sequence;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (ManualScheduler.this) {
                return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("not used by discoveries");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("not used by discoveries");
        }
    }
}
