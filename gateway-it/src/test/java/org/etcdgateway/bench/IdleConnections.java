package org.etcdgateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many plain TCP connections to one address, opened and then left idle: nothing is ever sent on
 * them. What a proxy spends on each is what the benchmark measures; this class only holds them and
 * checks, at the end, that the other side did not drop any.
 */
final class IdleConnections implements AutoCloseable {

    /** Connecting is mostly kernel work on the loopback; a few threads are as fast as many. */
    private static final int OPENING_THREADS = 4;
    private static final Path LIMITS = Path.of("/proc/self/limits");

    private final InetSocketAddress target;
    private final List<SocketChannel> channels;

    private IdleConnections(InetSocketAddress target, List<SocketChannel> channels) {
        this.target = target;
        this.channels = channels;
    }

    /**
     * Opens {@code count} connections to {@code target}, a few at a time in parallel, and leaves
     * them idle and non-blocking.
     *
     * @param timeout for opening all of them, not each
     * @throws IllegalStateException when any connection cannot be opened in time, or the process
     *                               runs out of file descriptors (the message then names the
     *                               limit); those already opened are closed again
     */
    static IdleConnections open(InetSocketAddress target, int count, Duration timeout) {
        if (count < 0) {
            throw new IllegalArgumentException("negative connection count: " + count);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel[] opened = new SocketChannel[count];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<IllegalStateException> failure = new AtomicReference<>();
        Runnable opener = () -> {
            for (int i = next.getAndIncrement(); i < count && failure.get() == null; i = next.getAndIncrement()) {
                try {
                    opened[i] = connect(target, deadline);
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, describe(e, target, i, count, timeout));
                }
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < Math.min(OPENING_THREADS, count); t++) {
            Thread thread = new Thread(opener, "idle-connections-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        joinAll(threads);

        IdleConnections connections = new IdleConnections(target, new ArrayList<>(count));
        for (SocketChannel channel : opened) {
            if (channel != null) {
                connections.channels.add(channel);
            }
        }
        if (failure.get() != null) {
            connections.close();
            throw failure.get();
        }
        return connections;
    }

    /** One connection, connected before {@code deadline} or not at all, then made non-blocking. */
    private static SocketChannel connect(InetSocketAddress target, long deadline) throws IOException {
        long nanosLeft = deadline - System.nanoTime();
        if (nanosLeft <= 0) {
            throw new SocketTimeoutException("out of time before connecting");
        }
        // A connect timeout of 0 would mean no timeout at all.
        long millisLeft = Math.max(1, nanosLeft / 1_000_000);
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, millisLeft));
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** What went wrong with connection {@code index}, with the file limit when that was it. */
    private static IllegalStateException describe(Exception e, InetSocketAddress target, int index, int count,
            Duration timeout) {
        if (causedByFileLimit(e)) {
            return new IllegalStateException("too many open files after " + index + " of " + count
                    + " connections to " + target + "; this process's limit: " + openFilesLimit()
                    + " (raise it with ulimit -n)", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new IllegalStateException("could not open " + count + " connections to " + target + " within "
                    + timeout.toMillis() + " ms; connection " + index + " timed out", e);
        }
        return new IllegalStateException("connection " + index + " of " + count + " to " + target + " failed: " + e, e);
    }

    private static boolean causedByFileLimit(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }

    /** The {@code Max open files} line of {@code /proc/self/limits}, soft and hard. */
    static String openFilesLimit() {
        try {
            return Files.readAllLines(LIMITS).stream()
                    .filter(line -> line.startsWith("Max open files"))
                    .map(line -> {
                        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                        return fields.length >= 2 ? "soft " + fields[0] + ", hard " + fields[1] : line;
                    })
                    .findFirst()
                    .orElse("not found in " + LIMITS);
        } catch (IOException e) {
            return "unknown (" + LIMITS + ": " + e.getMessage() + ")";
        }
    }

    private static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    // Keep waiting: the openers write into the array this method is about to read.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The address every connection goes to. */
    InetSocketAddress target() {
        return target;
    }

    /** How many connections were opened. */
    int count() {
        return channels.size();
    }

    /**
     * How many connections are still open on both ends: a non-blocking read of each must find no
     * end of stream and no error. A peer that sent bytes is still open; the bytes are discarded.
     */
    int stillOpen() {
        ByteBuffer scratch = ByteBuffer.allocate(512);
        int open = 0;
        for (SocketChannel channel : channels) {
            if (isOpen(channel, scratch)) {
                open++;
            }
        }
        return open;
    }

    private static boolean isOpen(SocketChannel channel, ByteBuffer scratch) {
        if (!channel.isOpen()) {
            return false;
        }
        try {
            int read;
            do {
                scratch.clear();
                read = channel.read(scratch);
            } while (read > 0);
            return read == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes every connection; the first failure is thrown once all have been tried. */
    @Override
    public void close() {
        IOException first = null;
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw new UncheckedIOException("closing idle connections to " + target, first);
        }
    }

    @Override
    public String toString() {
        return "IdleConnections[" + channels.size() + " to " + target + "]";
    }
}
