package org.etcdgateway.transport.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.etcdgateway.transport.health.HealthSettings.Check;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link HealthCheck#of}: the check the settings name. */
class HealthCheckTest {

    private static TestLoops loops;

    @BeforeAll
    static void startLoops() {
        loops = new TestLoops();
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @Test
    void noneIsNoCheckAtAll() {
        assertThat(HealthCheck.of(settings(Check.NONE), loops.io, loops.group, loops.resolver)).isEmpty();
    }

    @Test
    void tcpAndHttpAreTheirChecks() {
        assertThat(HealthCheck.of(settings(Check.TCP), loops.io, loops.group, loops.resolver)).get().isInstanceOf(TcpHealthCheck.class);
        assertThat(HealthCheck.of(settings(Check.HTTP), loops.io, loops.group, loops.resolver)).get().isInstanceOf(HttpHealthCheck.class);
    }

    private static HealthSettings settings(Check check) {
        return new HealthSettings(check, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, Duration.ofSeconds(10));
    }
}
