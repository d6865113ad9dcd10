package org.etcdgateway.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * gRPC load through jetcd, the real etcd client, against one address: the benchmark's "real
 * client" case. One {@link Client} keeps a fixed number of requests in flight, each slot issuing
 * its next request as soon as its last one completes, first for a warm-up that is not measured and
 * then for the measured window.
 *
 * <p>Every operation works on the key space {@code bench/0} .. {@code bench/999}; operation
 * {@code n} uses key {@code bench/<n mod 1000>}, and every key always holds the same 64-byte value,
 * so reads check that they found a key but need not know which write came last.
 *
 * <p>Requests are kept in flight asynchronously rather than by a thread blocking on each: on two
 * cores against one etcd member the asynchronous slots gave as many or more operations a second
 * at concurrency 16 to 64, for less of the load generator's CPU time.
 */
final class JetcdLoad {

    /** What each request does. */
    enum Operation {
        /** Writes a 64-byte value to a key. */
        PUT,
        /** Reads a key written before; a key that is not there counts as an error. */
        GET
    }

    /** The number of keys the operations cycle through. */
    static final int KEYS = 1000;
    /** The size of every value written. */
    static final int VALUE_BYTES = 64;

    /**
     * Bounds of how long a request may take before it counts as timed out: the window's length,
     * but at least the lower bound and at most the upper one. jetcd waits for a connection that
     * is not ready yet, so against an address where nothing answers its requests never fail.
     */
    private static final Duration MIN_REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PRELOAD_TIMEOUT = Duration.ofSeconds(30);
    /** Preload requests in flight at once; enough to be quick, few enough not to queue for long. */
    private static final int PRELOAD_IN_FLIGHT = 128;

    private static final ByteSequence[] KEY_BYTES = new ByteSequence[KEYS];
    private static final ByteSequence[] VALUE_BYTES_OF_KEY = new ByteSequence[KEYS];

    static {
        for (int i = 0; i < KEYS; i++) {
            String key = "bench/" + i;
            KEY_BYTES[i] = ByteSequence.from(key.getBytes(StandardCharsets.US_ASCII));
            VALUE_BYTES_OF_KEY[i] = ByteSequence.from(valueText(key).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private JetcdLoad() {
    }

    /** The key of operation {@code n}: {@code bench/<n mod 1000>}. */
    static ByteSequence key(long n) {
        return KEY_BYTES[(int) Math.floorMod(n, (long) KEYS)];
    }

    /** The 64-byte value that operation {@code n}'s key always holds. */
    static ByteSequence value(long n) {
        return VALUE_BYTES_OF_KEY[(int) Math.floorMod(n, (long) KEYS)];
    }

    /** {@code value of <key>} padded with dots to {@value #VALUE_BYTES} bytes. */
    private static String valueText(String key) {
        StringBuilder text = new StringBuilder(VALUE_BYTES).append("value of ").append(key).append(' ');
        while (text.length() < VALUE_BYTES) {
            text.append('.');
        }
        return text.toString();
    }

    /**
     * Writes keys {@code bench/0} .. {@code bench/<keys - 1>} with their values, so that a
     * {@link Operation#GET} run finds them. A GET run over the whole key space needs
     * {@code keys >= }{@value #KEYS}.
     *
     * @param target {@code host:port} of an etcd gRPC endpoint (plain HTTP/2)
     * @throws IllegalStateException when a write fails or does not finish in 30 s
     */
    static void preload(String target, int keys) {
        if (keys < 0 || keys > KEYS) {
            throw new IllegalArgumentException("keys must be in [0, " + KEYS + "]: " + keys);
        }
        try (Client client = connect(target)) {
            KV kv = client.getKVClient();
            long deadline = System.nanoTime() + PRELOAD_TIMEOUT.toNanos();
            for (int first = 0; first < keys; first += PRELOAD_IN_FLIGHT) {
                int last = Math.min(keys, first + PRELOAD_IN_FLIGHT);
                List<CompletableFuture<?>> writes = new ArrayList<>(last - first);
                for (int n = first; n < last; n++) {
                    writes.add(kv.put(key(n), value(n)));
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("preloading " + keys + " keys into " + target + " failed: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("preloading " + keys + " keys into " + target + " took over "
                    + PRELOAD_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preloading " + target, e);
        }
    }

    /**
     * Runs {@code op} against {@code target} with {@code concurrency} requests in flight: first for
     * {@code warmup}, unmeasured, then for {@code duration}, measured. A request counts in the
     * window it completes in; its latency runs from issue to completion. Failed requests are
     * counted as errors, not thrown.
     *
     * @param target {@code host:port} of an etcd gRPC endpoint (plain HTTP/2), directly or through
     *               a proxy
     * @return the window's figures, with this JVM's CPU time over the window as the load's
     * @throws IllegalStateException when no request at all succeeded in the window; the message
     *                               names the target and the first error
     */
    static LoadFigures run(String target, Operation op, int concurrency, Duration warmup, Duration duration) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("warm-up must be >= 0 and duration > 0: " + warmup + ", " + duration);
        }
        try (Client client = connect(target)) {
            long windowStart = System.nanoTime() + warmup.toNanos();
            long requestTimeout = Math.min(MAX_REQUEST_TIMEOUT.toNanos(),
                    Math.max(MIN_REQUEST_TIMEOUT.toNanos(), duration.toNanos()));
            Window window = new Window(op, windowStart, windowStart + duration.toNanos(), requestTimeout);
            Runnable stillRunning = startSlots(client.getKVClient(), window, concurrency);
            sleepUntil(window.start);
            long cpuAtStart = processCpuNanos();
            sleepUntil(window.end);
            long cpuAtEnd = processCpuNanos();
            stillRunning.run();
            return window.figures(target, duration, concurrency, cpuAtEnd - cpuAtStart);
        }
    }

    /** One client, to {@code target} over plain HTTP/2. */
    private static Client connect(String target) {
        return Client.builder().endpoints("http://" + target).build();
    }

    /**
     * Starts {@code concurrency} slots, each issuing its next request from the completion of its
     * last. Returns what waits for them to stop after the window.
     */
    private static Runnable startSlots(KV kv, Window window, int concurrency) {
        CountDownLatch stopped = new CountDownLatch(concurrency);
        for (int slot = 0; slot < concurrency; slot++) {
            new Slot(kv, window, slot, concurrency, stopped).issue();
        }
        // A slot that has not stopped by then has a request that has hung for the whole timeout.
        return () -> window.timedOut(awaitOrRemaining(stopped, window.requestTimeoutNanos));
    }

    /**
     * One request in flight at all times until the window ends: the next is issued on the thread
     * that completed the last, one of gRPC's executor threads.
     */
    private static final class Slot {

        /**
         * Where a completion that came back on the issuing thread continues, so that a run of
         * requests failing at once (a closed client, say) cannot recurse down one stack.
         */
        private static final Executor OFF_STACK = ForkJoinPool.commonPool();

        private final KV kv;
        private final Window window;
        private final int stride;
        private final CountDownLatch stopped;
        private final Latencies latencies = new Latencies();
        private long next;

        Slot(KV kv, Window window, int slot, int stride, CountDownLatch stopped) {
            this.kv = kv;
            this.window = window;
            this.next = slot;
            this.stride = stride;
            this.stopped = stopped;
            window.tally.add(latencies);
        }

        void issue() {
            long n = next;
            next += stride;
            long started = System.nanoTime();
            CompletableFuture<?> request;
            try {
                request = window.issue(kv, n);
            } catch (RuntimeException e) {
                request = CompletableFuture.failedFuture(e);
            }
            if (request.isDone()) {
                request.whenCompleteAsync((response, failure) -> completed(n, started, response, failure), OFF_STACK);
            } else {
                request.whenComplete((response, failure) -> completed(n, started, response, failure));
            }
        }

        private void completed(long n, long started, Object response, Throwable failure) {
            long now = System.nanoTime();
            window.completed(latencies, n, started, now, response, failure);
            if (now < window.end) {
                issue();
            } else {
                stopped.countDown();
            }
        }
    }

    /** Waits for {@code latch} up to {@code timeoutNanos}; returns the count still left. */
    private static long awaitOrRemaining(CountDownLatch latch, long timeoutNanos) {
        try {
            latch.await(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return latch.getCount();
    }

    /** The operation, the measured window, and what has been counted in it so far. */
    private static final class Window {

        final Operation op;
        final long start;
        final long end;
        final long requestTimeoutNanos;
        final Tally tally = new Tally();

        Window(Operation op, long start, long end, long requestTimeoutNanos) {
            this.op = op;
            this.start = start;
            this.end = end;
            this.requestTimeoutNanos = requestTimeoutNanos;
        }

        CompletableFuture<?> issue(KV kv, long n) {
            return switch (op) {
                case PUT -> kv.put(key(n), value(n));
                case GET -> kv.get(key(n));
            };
        }

        /** Counts one completion if it fell in the window. */
        void completed(Latencies latencies, long n, long started, long now, Object response, Throwable failure) {
            if (now < start || now >= end) {
                return;
            }
            Throwable error = failure != null ? unwrap(failure) : check(n, response);
            if (error == null) {
                tally.requests.increment();
                latencies.record(now - started);
            } else {
                tally.error(error);
            }
        }

        /** Null when {@code response} is what operation {@code n} should have answered. */
        private Throwable check(long n, Object response) {
            if (op == Operation.GET && ((GetResponse) response).getCount() == 0) {
                return new IllegalStateException("key " + key(n).toString(StandardCharsets.US_ASCII)
                        + " not found; preload the keys first");
            }
            return null;
        }

        /** Requests still in flight a request timeout after the window are counted as errors. */
        void timedOut(long requestsInFlight) {
            if (requestsInFlight > 0) {
                tally.error(new TimeoutException(requestsInFlight + " requests still in flight "
                        + requestTimeoutNanos / 1_000_000 + " ms after the window"), requestsInFlight);
            }
        }

        LoadFigures figures(String target, Duration duration, int concurrency, long cpuNanos) {
            long requests = tally.requests.sum();
            long errors = tally.errors.sum();
            if (requests == 0) {
                Throwable first = tally.firstError.get();
                throw new IllegalStateException("jetcd " + op + " load against " + target + " at concurrency "
                        + concurrency + ": no request succeeded in " + duration.toMillis() + " ms (" + errors
                        + " errors" + (first == null ? "" : ", first: " + first) + ")", first);
            }
            return LoadFigures.of(requests, errors, duration.toNanos() / 1e9, Latencies.merge(tally.latencies),
                    cpuNanos / 1e9);
        }
    }

    /** Counts shared by every slot; each slot records latencies into its own {@link Latencies}. */
    private static final class Tally {

        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        final List<Latencies> latencies = new ArrayList<>();

        /** Called before any request is issued, from the thread that starts the slots. */
        void add(Latencies slotLatencies) {
            latencies.add(slotLatencies);
        }

        void error(Throwable error) {
            error(error, 1);
        }

        void error(Throwable error, long count) {
            errors.add(count);
            firstError.compareAndSet(null, error);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** This JVM's user + system CPU time so far, all threads, in nanoseconds. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            if (nanos >= 0) {
                return nanos;
            }
        }
        throw new IllegalStateException("this JVM does not report its process CPU time");
    }

    private static void sleepUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a jetcd load run");
            }
        }
    }
}
