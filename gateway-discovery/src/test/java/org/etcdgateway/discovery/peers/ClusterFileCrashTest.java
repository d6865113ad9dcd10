package org.etcdgateway.discovery.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL while it saves the cluster file leaves the old file or the new
 * one, complete, never a piece: each round a child JVM writes the file in a loop and is killed
 * at a random moment; the file is then read as the next start would read it.
 */
class ClusterFileCrashTest {

    private static final int ROUNDS = 20;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aKilledWriterLeavesACompleteFile() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ClusterFile clusterFile = new ClusterFile(dataDir);
        for (int round = 0; round < ROUNDS; round++) {
            Process writer = startWriter();
            try {
                awaitWriting(writer);
                TimeUnit.MICROSECONDS.sleep(random.nextInt(20_000));
            } finally {
                writer.destroyForcibly();
                assertThat(writer.waitFor(10, TimeUnit.SECONDS)).as("the writer is gone").isTrue();
            }

            String where = "round " + round + " of seed " + seed;
            assertThat(clusterFile.path()).as(where).exists();
            List<String> read;
            try {
                read = clusterFile.read();
            } catch (IOException e) {
                throw new AssertionError(where + ": " + e.getMessage(), e);
            }
            assertThat(read).as(where).isIn(ClusterFileWriterMain.SHORT, ClusterFileWriterMain.LONG);
        }
    }

    private Process startWriter() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // Started 20 times: skip what a short-lived writer does not need (the JIT's top tier, logging set-up).
        return new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN",
                "-cp", System.getProperty("java.class.path"), ClusterFileWriterMain.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** Until the first write is done, so that every kill falls among writes. */
    private static void awaitWriting(Process writer) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
        assertThat(output.readLine()).as("the writer's first line").isEqualTo(ClusterFileWriterMain.WRITING);
    }
}
