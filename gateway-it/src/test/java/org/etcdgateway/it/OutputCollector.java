package org.etcdgateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads one output stream of a child process on a thread of its own, into memory. A child whose
 * pipe is not read stops when the pipe is full, so every stream is drained from the start.
 */
final class OutputCollector {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Thread thread;

    private OutputCollector(InputStream stream, String name) {
        thread = new Thread(() -> copy(stream), name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts draining {@code stream}; {@code name} names the thread, for thread dumps. */
    static OutputCollector drain(InputStream stream, String name) {
        return new OutputCollector(stream, name);
    }

    /** Everything read so far. */
    byte[] bytes() {
        synchronized (buffer) {
            return buffer.toByteArray();
        }
    }

    /** Everything read so far, as UTF-8 text. */
    String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /**
     * Waits until the stream has ended, at most {@code timeout}: a grandchild that inherited the
     * pipe can keep it open after the child exits, and the tests must not hang on it.
     */
    void awaitEnd(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void copy(InputStream stream) {
        byte[] chunk = new byte[16 * 1024];
        try (stream) {
            int read;
            while ((read = stream.read(chunk)) >= 0) {
                synchronized (buffer) {
                    buffer.write(chunk, 0, read);
                }
            }
        } catch (IOException ignored) {
            // The process was killed and its pipe closed under us: what was read is all there is.
        }
    }
}
