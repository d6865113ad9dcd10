package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessAgeTest {

    @Test
    void theAgeIsTheTimeSinceBootLessTheStartInTicks() {
        // Field 22 (starttime) is 12345 ticks: 123.45 s after boot; the command holds ") (" to confuse a naive split.
        String stat = "4242 (java ) (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 30 0 12345 100000 2000 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        assertThat(ProcessAge.millisFromProc(stat, "124.30 250.00\n")).isEqualTo(850);
    }

    @Test
    void thisProcessIsOlderThanZeroAndYoungerThanADay() {
        assertThat(ProcessAge.millis()).isPositive().isLessThan(86_400_000L);
    }
}
