package org.etcdgateway.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start a graceful stop. They are handled, not left to the JVM's shutdown
 * hooks, so that a drained stop exits 0 rather than 143 and the drain runs on a thread we own.
 */
final class StopSignals {

    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private final CountDownLatch stopRequested = new CountDownLatch(1);

    void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stopRequested.getCount() == 0) {
                    log.info("SIG{} again: already stopping", signal.getName());
                    return;
                }
                log.info("SIG{} received: stopping", signal.getName());
                stopRequested.countDown();
            });
        }
    }

    void awaitStop() throws InterruptedException {
        stopRequested.await();
    }
}
