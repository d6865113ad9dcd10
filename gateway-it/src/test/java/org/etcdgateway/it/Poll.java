package org.etcdgateway.it;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Waits for a condition by asking again and again until a deadline: the only way these tests
 * wait, so that a fast machine is not slowed down and a slow one gets its full bound.
 */
final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private Poll() {
    }

    /**
     * The first present value {@code attempt} returns. An exception from {@code attempt} counts as
     * "not yet" (it is kept as the cause of the failure); an {@link Error}, such as a failed
     * assertion, ends the wait at once.
     *
     * @throws AssertionError when {@code timeout} passes first, naming {@code what}
     */
    static <T> T until(String what, Duration timeout, Callable<Optional<T>> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                Optional<T> value = attempt.call();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + ", in vain", lastFailure);
            }
            sleepQuietly(INTERVAL);
        }
    }

    /** Like {@link #until}, for a yes/no condition. */
    static void untilTrue(String what, Duration timeout, Callable<Boolean> condition) {
        until(what, timeout, () -> condition.call() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling", e);
        }
    }
}
