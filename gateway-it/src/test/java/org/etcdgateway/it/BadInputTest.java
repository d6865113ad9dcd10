package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flags and configuration the gateway must refuse: exit code 2 and one message an operator can
 * act on, naming what was wrong. No cluster: the gateway must refuse before it dials anything,
 * and the endpoints given point at a port nobody listens on.
 */
@Timeout(120)
class BadInputTest {

    private static final int EXIT_BAD_INPUT = 2;
    /** A refusal takes one JVM start; a gateway still running after this has accepted what it should not. */
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private static String unusedEndpoint;

    @BeforeAll
    static void findUnusedEndpoint() {
        unusedEndpoint = "127.0.0.1:" + FreePorts.one();
    }

    @Test
    void misspelledFlagIsNamedWithTheRightOne() {
        CommandResult result = refused("--endpoint", unusedEndpoint, "--listen-addr", "127.0.0.1:0");

        assertThat(result.stderr()).as(result::describe)
                .containsPattern("--endpoint(?!s)")
                .contains("--endpoints");
    }

    @Test
    void badDurationIsNamedWithItsValue() {
        CommandResult result = refused("--endpoints", unusedEndpoint, "--listen-addr", "127.0.0.1:0", "--retry-delay", "abc");

        assertThat(result.stderr()).as(result::describe).contains("retry-delay").contains("abc");
    }

    @Test
    void endpointWithoutPortIsNamed() {
        CommandResult result = refused("--endpoints", "127.0.0.1", "--listen-addr", "127.0.0.1:0");

        assertThat(result.stderr()).as(result::describe).contains("127.0.0.1").containsIgnoringCase("port");
    }

    @Test
    void endpointEqualToTheListenAddressIsRefusedAsALoop() {
        String address = "127.0.0.1:" + FreePorts.one();

        CommandResult result = refused("--endpoints", address, "--listen-addr", address);

        assertThat(result.stderr()).as(result::describe).contains(address);
    }

    @Test
    void unknownPolicyListsTheAvailableOnes() {
        CommandResult result = refused("--endpoints", unusedEndpoint, "--listen-addr", "127.0.0.1:0", "--policy", "nope");

        assertThat(result.stderr()).as(result::describe)
                .contains("nope")
                .contains("random-sticky")
                .contains("round-robin")
                .contains("weighted-round-robin");
    }

    @Test
    void misspelledConfigKeyIsNamedWithTheRightOne(@TempDir Path directory) throws IOException {
        Path config = directory.resolve("gateway.conf");
        Files.writeString(config, "gateway.transport.tcp.dial-timout = 1s\n", StandardCharsets.UTF_8);

        CommandResult result = refused("--config", config.toString(), "--endpoints", unusedEndpoint, "--listen-addr", "127.0.0.1:0");

        assertThat(result.stderr()).as(result::describe).contains("dial-timout").contains("dial-timeout");
    }

    /** Runs the gateway with {@code flags} and checks it refused them as bad input, without a stack trace. */
    private static CommandResult refused(String... flags) {
        CommandResult result = GatewayProcess.runUntilExit(new ArrayList<>(List.of(flags)), EXIT_TIMEOUT);
        assertThat(result.timedOut()).as(() -> "the gateway started instead of refusing its input:\n" + result.describe())
                .isFalse();
        assertThat(result.exitCode()).as(() -> "exit code for bad input:\n" + result.describe()).isEqualTo(EXIT_BAD_INPUT);
        assertThat(result.stderr()).as(() -> "a message for an operator, not a crash:\n" + result.describe())
                .doesNotContain("\tat ")
                .isNotBlank();
        // Log lines of what ran before the refusal may precede it; the refusal itself is said once.
        assertThat(result.stderr().lines().filter(line -> line.startsWith("etcd-gateway:")))
                .as(() -> "one message, not a log of the failure and then the message again:\n" + result.describe())
                .hasSize(1);
        assertThat(result.stderr()).as(result::describe).doesNotContain("ERROR");
        return result;
    }
}
