package org.etcdgateway.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The latencies of one load run, in nanoseconds, kept whole so that percentiles are exact rather
 * than bucketed. Samples live in a growable {@code long[]}: 30 s at 20,000 operations a second is
 * 600,000 samples, under 5 MB.
 *
 * <p>Every method is synchronized. The intended use is one instance per worker (or per in-flight
 * slot), merged with {@link #merge(List)} once the run is over, so the lock is never contended and
 * costs little; it is there so that a recorder handed from one completion thread to another is
 * still safe.
 */
final class Latencies {

    private static final int DEFAULT_CAPACITY = 1 << 14;
    /** The largest array the JVM reliably hands out. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private long[] samples;
    private int size;
    /** True while {@code samples[0, size)} is known to be in ascending order. */
    private boolean sorted = true;

    /** An empty recorder with room for 16,384 samples before it first grows. */
    Latencies() {
        this(DEFAULT_CAPACITY);
    }

    /** An empty recorder with room for {@code initialCapacity} samples before it first grows. */
    Latencies(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity: " + initialCapacity);
        }
        samples = new long[Math.max(initialCapacity, 16)];
    }

    /**
     * All samples of {@code parts} in one new recorder. The parts are left as they were; they must
     * not be recorded into while the merge runs.
     */
    static Latencies merge(List<Latencies> parts) {
        long total = 0;
        for (Latencies part : parts) {
            total += part.count();
        }
        if (total > MAX_CAPACITY) {
            throw new IllegalStateException("too many samples to merge: " + total);
        }
        Latencies merged = new Latencies((int) total);
        for (Latencies part : parts) {
            synchronized (part) {
                System.arraycopy(part.samples, 0, merged.samples, merged.size, part.size);
                merged.size += part.size;
            }
        }
        merged.sorted = merged.size <= 1;
        return merged;
    }

    /** Adds one latency; negative values (a clock that went backwards) are rejected. */
    synchronized void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative latency: " + nanos + " ns");
        }
        if (size == samples.length) {
            grow();
        }
        if (sorted && size > 0 && samples[size - 1] > nanos) {
            sorted = false;
        }
        samples[size++] = nanos;
    }

    /** How many latencies were recorded. */
    synchronized int count() {
        return size;
    }

    /**
     * The {@code percentile}-th percentile by nearest rank, in microseconds: the smallest sample
     * that at least {@code percentile} percent of all samples are less than or equal to. NaN when
     * nothing was recorded.
     *
     * @param percentile in (0, 100], e.g. 50, 99 or 99.9
     */
    synchronized double percentileMicros(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
        }
        if (size == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(samples, 0, size);
            sorted = true;
        }
        // The rank is computed in long arithmetic from the percentile's tenths of a thousandth so
        // that 99.9 of 1,000 samples is rank 999 and not 1,000 through floating-point noise.
        long scaledPercentile = Math.round(percentile * 100_000);
        long rank = Math.max(1, ceilDiv(scaledPercentile * size, 10_000_000L));
        return samples[(int) (rank - 1)] / 1_000.0;
    }

    private void grow() {
        if (samples.length >= MAX_CAPACITY) {
            throw new IllegalStateException("latency recorder is full at " + size + " samples");
        }
        int capacity = (int) Math.min(MAX_CAPACITY, samples.length * 2L);
        samples = Arrays.copyOf(samples, capacity);
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }

    @Override
    public synchronized String toString() {
        return "Latencies[" + size + " samples]";
    }
}
