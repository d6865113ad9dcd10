package org.etcdgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ProcStats}'s reading of a JVM's JIT compiler threads, against real processes. */
class ProcStatsTest {

    @Test
    void jitTimeIsThatOfThisJvmsCompilerThreadsAndPartOfItsCpuTime() {
        long pid = ProcessHandle.current().pid();
        double before = ProcStats.jitCpuSeconds(pid);
        // Code that C1 and then C2 compile: a loop hot enough for on-stack replacement, in a method
        // called often enough for a compile of its own.
        long sum = 0;
        for (int i = 0; i < 2_000; i++) {
            sum += churn(i);
        }
        assertThat(sum).isNotZero();
        double after = ProcStats.jitCpuSeconds(pid);

        assertThat(after).as("JIT CPU seconds of this JVM (surefire's fork has compiled since it started)")
                .isGreaterThan(0).isGreaterThanOrEqualTo(before);
        assertThat(after).as("JIT CPU seconds are part of the process's").isLessThanOrEqualTo(ProcStats.cpuSeconds(pid));
    }

    @Test
    void aProcessWithoutAJitHasNone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(ProcStats.jitCpuSeconds(sleep.pid())).isZero();
        } finally {
            sleep.destroy();
            sleep.waitFor(5, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> ProcStats.jitCpuSeconds(sleep.pid()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is gone");
    }

    private static long churn(int seed) {
        long x = seed;
        for (int i = 0; i < 5_000; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L ^ (x >>> 17);
        }
        return x | 1;
    }
}
