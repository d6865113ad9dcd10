package org.etcdgateway.discovery.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.junit.jupiter.api.Test;

class RefreshingDiscoveryTest {

    private static final Endpoint A = Endpoint.of("10.0.0.1", 2379, "test");
    private static final Endpoint B = Endpoint.of("10.0.0.2", 2379, "test");
    private static final Duration NEXT_LOOKUP = Duration.ofSeconds(30);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<List<Endpoint>> delivered = new ArrayList<>();

    @Test
    void startDeliversTheFirstSetAndSchedulesTheNextLookupWhenItAskedFor() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found(A, B));

        discovery.start(delivered::add);

        assertThat(delivered).containsExactly(List.of(A, B));
        assertThat(scheduler.nextDelay()).contains(NEXT_LOOKUP);
        assertThat(scheduler.pendingCount()).isEqualTo(1);
    }

    @Test
    void aFailedFirstLookupIsAStartUpErrorNamingTheSourceAndTheCause() {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1))
                .then(new IOException("connection refused"));

        assertThatThrownBy(() -> discovery.start(delivered::add))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("discovery scripted: no endpoints from the script: connection refused");
        assertThat(delivered).isEmpty();
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void anEmptyFirstLookupIsAStartUpError() {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found());

        assertThatThrownBy(() -> discovery.start(delivered::add))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("discovery scripted: the script gave no usable endpoint");
    }

    @Test
    void aPreparedDiscoveryLooksUpOnTheSchedulerAndStartTakesThatLookup() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found(A, B));

        discovery.prepare();
        assertThat(discovery.lookups).as("prepare only queues the lookup").isZero();
        scheduler.runNext();
        assertThat(discovery.lookups).isEqualTo(1);
        discovery.start(delivered::add);

        assertThat(discovery.lookups).as("start looked up no more").isEqualTo(1);
        assertThat(delivered).containsExactly(List.of(A, B));
        assertThat(scheduler.nextDelay()).contains(NEXT_LOOKUP);
    }

    @Test
    void aPreparedLookupThatFailsIsStartsErrorAsIfStartHadLookedUp() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1))
                .then(new IOException("connection refused"));
        discovery.prepare();
        scheduler.runNext();

        assertThatThrownBy(() -> discovery.start(delivered::add))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("discovery scripted: no endpoints from the script: connection refused");
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void closingAPreparedDiscoveryCancelsItsLookup() {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found(A));
        discovery.prepare();
        discovery.close();
        scheduler.runNext();

        assertThat(discovery.lookups).isZero();
    }

    @Test
    void aFailedLookupKeepsTheLastSetAndTriesAgainAfterTheRetryDelay() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1))
                .then(found(A, B)).then(new IOException("timed out")).then(found(A));
        discovery.start(delivered::add);

        try (LogCapture log = LogCapture.of(RefreshingDiscovery.class)) {
            scheduler.runNext();

            assertThat(delivered).containsExactly(List.of(A, B));
            assertThat(scheduler.nextDelay()).contains(RETRY_DELAY);
            assertThat(log.messages()).containsExactly(
                    "discovery scripted: looking up the script failed: timed out; keeping the last 2 endpoint(s), next try in 5s");
        }
        scheduler.runNext();
        assertThat(delivered).containsExactly(List.of(A, B), List.of(A));
        assertThat(scheduler.nextDelay()).contains(NEXT_LOOKUP);
    }

    @Test
    void anEmptyLookupKeepsTheLastSet() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found(A)).then(found());
        discovery.start(delivered::add);

        scheduler.runNext();

        assertThat(delivered).containsExactly(List.of(A));
        assertThat(scheduler.nextDelay()).contains(RETRY_DELAY);
    }

    @Test
    void anUnchangedSetIsNotDeliveredAgainAndAChangeIsLoggedOnce() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1))
                .then(found(A)).then(found(A)).then(found(A, B));
        discovery.start(delivered::add);

        try (LogCapture log = LogCapture.of(RefreshingDiscovery.class)) {
            scheduler.runNext();
            scheduler.runNext();

            assertThat(delivered).containsExactly(List.of(A), List.of(A, B));
            assertThat(log.messages()).containsExactly(
                    "discovery scripted: endpoints changed, now [10.0.0.1:2379, 10.0.0.2:2379]: added [10.0.0.2:2379], removed []");
        }
    }

    @Test
    void refreshRightAfterALookupWaitsForTheMinimumGap() throws Exception {
        Duration gap = Duration.ofHours(1);
        ScriptedDiscovery discovery = new ScriptedDiscovery(gap).then(found(A), Duration.ofHours(2)).then(found(B));
        discovery.start(delivered::add);

        discovery.refresh();

        // The gap is counted from the lookup on the real clock, a moment ago.
        assertThat(scheduler.nextDelay()).hasValueSatisfying(delay ->
                assertThat(delay).isBetween(gap.minusMinutes(1), gap));
        assertThat(scheduler.pendingCount()).isEqualTo(1);
        scheduler.runNext();
        assertThat(delivered).containsExactly(List.of(A), List.of(B));
    }

    @Test
    void refreshDoesNotPostponeALookupThatIsDueSooner() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofHours(1)).then(found(A), Duration.ofSeconds(1));
        discovery.start(delivered::add);

        discovery.refresh();

        assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(1));
        assertThat(scheduler.pendingCount()).isEqualTo(1);
    }

    @Test
    void refreshOnceTheGapHasPassedLooksUpAtOnceInsteadOfAtTheNextSchedule() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ZERO).then(found(A)).then(found(B));
        discovery.start(delivered::add);

        try (LogCapture log = LogCapture.of(RefreshingDiscovery.class)) {
            discovery.refresh();

            assertThat(scheduler.nextDelay()).contains(Duration.ZERO);
            assertThat(scheduler.pendingCount()).isEqualTo(1);
            assertThat(log.messages()).containsExactly("discovery scripted: every endpoint failed; looking the script up again in 0s");
        }
        scheduler.runNext();
        assertThat(delivered).containsExactly(List.of(A), List.of(B));
    }

    @Test
    void refreshBeforeStartAndAfterCloseDoesNothing() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ZERO).then(found(A));

        discovery.refresh();
        assertThat(scheduler.pendingCount()).isZero();

        discovery.start(delivered::add);
        discovery.close();
        discovery.refresh();

        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void closeCancelsTheNextLookup() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found(A));
        discovery.start(delivered::add);

        discovery.close();

        assertThat(scheduler.pendingCount()).isZero();
        assertThat(discovery.lookups).isEqualTo(1);
    }

    @Test
    void aLookupThatEndsAfterCloseDeliversNothingAndSchedulesNothing() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found(A));
        discovery.start(delivered::add);
        // Closed while its lookup runs, as when the gateway stops during a slow lookup.
        discovery.then(() -> {
            discovery.close();
            return found(B);
        });

        scheduler.runNext();

        assertThat(delivered).containsExactly(List.of(A));
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void aSchedulerThatIsShuttingDownDoesNotFailTheLookup() throws Exception {
        ScriptedDiscovery discovery = new ScriptedDiscovery(Duration.ofSeconds(1)).then(found(A));
        scheduler.rejectNewTasks();

        discovery.start(delivered::add);

        assertThat(delivered).containsExactly(List.of(A));
        assertThat(scheduler.pendingCount()).isZero();
    }

    private static RefreshingDiscovery.Lookup found(Endpoint... endpoints) {
        return new RefreshingDiscovery.Lookup(List.of(endpoints), NEXT_LOOKUP);
    }

    /** What one lookup does: find a set or throw. */
    @FunctionalInterface
    private interface Step {
        RefreshingDiscovery.Lookup run() throws Exception;
    }

    /** A discovery whose lookups follow a script, one step per lookup. */
    private final class ScriptedDiscovery extends RefreshingDiscovery {

        private final Deque<Step> script = new ArrayDeque<>();
        private final Duration minimumRefreshGap;
        private int lookups;

        ScriptedDiscovery(Duration minimumRefreshGap) {
            super("scripted", scheduler.context());
            this.minimumRefreshGap = minimumRefreshGap;
        }

        ScriptedDiscovery then(Lookup lookup) {
            return then(() -> lookup);
        }

        ScriptedDiscovery then(Lookup lookup, Duration nextLookupIn) {
            return then(() -> new Lookup(lookup.endpoints(), nextLookupIn));
        }

        ScriptedDiscovery then(Exception failure) {
            return then(() -> {
                throw failure;
            });
        }

        ScriptedDiscovery then(Step step) {
            script.add(step);
            return this;
        }

        @Override
        protected Lookup lookup() throws Exception {
            lookups++;
            Step step = script.poll();
            if (step == null) {
                throw new AssertionError("lookup " + lookups + " was not expected");
            }
            return step.run();
        }

        @Override
        protected Duration retryDelay() {
            return RETRY_DELAY;
        }

        @Override
        protected Duration minimumRefreshGap() {
            return minimumRefreshGap;
        }

        @Override
        protected String describeSource() {
            return "the script";
        }
    }
}
