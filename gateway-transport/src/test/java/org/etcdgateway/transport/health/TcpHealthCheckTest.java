package org.etcdgateway.transport.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etcdgateway.transport.health.TestLoops.verdict;

import java.time.Duration;
import org.etcdgateway.api.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A TCP connect as the check, against real listening and closed ports on loopback. */
class TcpHealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static TestLoops loops;
    private static TcpHealthCheck check;

    @BeforeAll
    static void startLoops() {
        loops = new TestLoops();
        check = loops.tcp(TIMEOUT);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @Test
    void healthyWhenTheEndpointAcceptsAndTheConnectionIsClosedAtOnce() throws Exception {
        try (RawServer listening = new RawServer(RawServer.SILENT)) {
            HealthResult result = verdict(check, listening.endpoint(false));

            assertThat(result).isEqualTo(HealthResult.healthy("connected"));
            assertThat(listening.clientsClosedAll(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void healthyForAHungMemberToo() throws Exception {
        // What tcp checks cannot tell, and http checks can: the kernel accepts for a stopped process.
        try (RawServer hung = new RawServer(RawServer.SILENT)) {
            assertThat(verdict(check, hung.endpoint(true)).healthy()).isTrue();
        }
    }

    @Test
    void unhealthyWhenNothingListens() throws Exception {
        RawServer closed = new RawServer(RawServer.SILENT);
        Endpoint endpoint = closed.endpoint(false);
        closed.close();

        assertThat(verdict(check, endpoint)).isEqualTo(HealthResult.unhealthy("connection refused"));
    }

    @Test
    void resolvesHostNames() throws Exception {
        try (RawServer listening = new RawServer(RawServer.SILENT)) {
            Endpoint byName = Endpoint.of("localhost", listening.endpoint(false).port(), "test");

            HealthResult result = verdict(check, byName);

            assertThat(result.healthy()).as(result.reason()).isTrue();
        }
    }

    @Test
    void unhealthyWhenTheHostNameDoesNotResolve() throws Exception {
        HealthResult result = verdict(check, Endpoint.of("no-such-member.invalid", 2379, "test"));

        assertThat(result.healthy()).isFalse();
        assertThat(result.reason()).startsWith("cannot resolve the host name: ");
    }
}
