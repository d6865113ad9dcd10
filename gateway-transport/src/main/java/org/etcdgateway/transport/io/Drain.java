package org.etcdgateway.transport.io;

import io.netty.channel.group.ChannelGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/** A graceful stop's middle part, the same for every transport: let open connections finish, then close the rest. */
public final class Drain {

    private static final long POLL_MILLIS = 20;

    private Drain() {
    }

    /**
     * Waits until {@code clients} is empty or {@code timeout} has passed, then closes what is
     * left, saying so in {@code log}. Blocks the calling thread, which must not be an event loop.
     */
    public static void await(ChannelGroup clients, Duration timeout, Logger log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!clients.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = clients.size();
        if (left > 0) {
            log.info("drain timeout: closing {} connection(s) still open", left);
            clients.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }
}
