package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad flags and bad configuration, run through the real command line: every error in one
 * message on stderr, exit code 2, nothing started.
 */
class StartCommandErrorsTest {

    @TempDir
    Path directory;

    @Test
    void aMisspeltFlagIsNamedWithTheFlagMeant() {
        CommandRun run = CommandRun.of("start", "--endpoint", "127.0.0.1:2379");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown flag --endpoint; did you mean --endpoints?");
        // Its value is not reported as a second, confusing error.
        assertThat(run.err()).doesNotContain("unexpected argument");
    }

    @Test
    void aBadDurationNamesTheFlagTheKeyTheValueAndTheExpectedForm() {
        CommandRun run = CommandRun.of("start", "--retry-delay", "abc");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.transport.tcp.retry-delay: \"abc\" (expected: a duration")
                .contains("set by --retry-delay");
    }

    @Test
    void goStyleDurationsAsEtcdPrintsThemAreAccepted() {
        // Valid durations, and a policy that does not exist so that nothing is started.
        CommandRun run = CommandRun.of("start", "--retry-delay", "1m0s", "--dial-timeout", "1.5s", "--policy", "nope");
        assertThat(run.err()).doesNotContain("retry-delay").doesNotContain("dial-timeout");
    }

    @Test
    void badHealthFlagsAreEachNamedWithTheirKey() {
        CommandRun run = CommandRun.of("start", "--health-check", "ping", "--health-interval", "0s", "--health-fall", "0",
                "--health-rise", "many", "--health-grace", "-1s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("gateway.transport.tcp.health.check: \"ping\" (expected: none (no checks), tcp (a connect) or http")
                .contains("gateway.transport.tcp.health.interval: \"0s\"")
                .contains("gateway.transport.tcp.health.fall: \"0\" (expected: a whole number from 1 to 100")
                .contains("gateway.transport.tcp.health.rise: \"many\"")
                .contains("gateway.transport.tcp.health.grace: \"-1s\"")
                .contains("set by --health-check");
    }

    @Test
    void aBadAdminAddressIsNamedWithOffAsTheOtherChoice() {
        CommandRun run = CommandRun.of("start", "--admin-addr", "localhost");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.admin.listen-addr: \"localhost\" (expected: ").contains(", or off)")
                .contains("set by --admin-addr");
    }

    @Test
    void anEndpointWithoutAPortIsNamed() {
        CommandRun run = CommandRun.of("start", "--endpoints", "127.0.0.1:2379,127.0.0.1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.discovery.static.endpoints: \"127.0.0.1\" (expected: host:port with a port");
    }

    @Test
    void anUnknownPolicyListsTheInstalledOnesAndHowToAddOne() {
        CommandRun run = CommandRun.of("start", "--policy", "least-loaded");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.policy.provider: \"least-loaded\"")
                .contains("one of random-sticky, round-robin, weighted-round-robin")
                .contains("META-INF/services/org.etcdgateway.api.policy.LoadBalancingPolicyProvider");
    }

    @Test
    void anUnknownKeyInTheFileIsNamedWithTheNearKeyAndItsLine() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), """
                gateway.transport.tcp {
                  listen-addr = "127.0.0.1:0"
                  dial-timout = 2s
                }
                """);
        CommandRun run = CommandRun.of("start", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.transport.tcp.dial-timout (unknown key)")
                .contains("did you mean gateway.transport.tcp.dial-timeout?")
                .contains("gateway.conf:3");
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        CommandRun run = CommandRun.of("start", "--endpiont", "x", "--retry-delay", "-1s", "--dial-timeout", "soon",
                "--endpoints", "a:b", "--listen-addr", "localhost", "--policy", "nope", "stray");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("etcd-gateway: 7 errors:")
                .contains("--endpiont").contains("retry-delay").contains("dial-timeout").contains("\"a:b\"")
                .contains("listen-addr").contains("\"nope\"").contains("unexpected argument \"stray\"");
    }

    @Test
    void twoFlagsThatEachNameWhereEndpointsComeFromAreAnError() {
        CommandRun run = CommandRun.of("start", "--discovery-srv", "example.com", "--endpoints", "10.0.0.1:2379");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--discovery-srv and --endpoints each say where the endpoints come from");

        CommandRun withUrl = CommandRun.of("start", "--discovery", "http://127.0.0.1:1/token", "--member-sync");
        assertThat(withUrl.exitCode()).isEqualTo(2);
        assertThat(withUrl.err()).contains("--member-sync and --discovery");
    }

    @Test
    void aMissingConfigFileIsAnError() {
        CommandRun run = CommandRun.of("start", "--config", directory.resolve("absent.conf").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--config: \"" + directory.resolve("absent.conf") + "\" (expected: a HOCON file that exists)");
    }

    @Test
    void brokenHoconIsAnError() throws IOException {
        Path file = Files.writeString(directory.resolve("broken.conf"), "gateway { transport = \n");
        CommandRun run = CommandRun.of("start", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("(expected: valid HOCON");
    }

    @Test
    void aFlagWithoutItsValueIsAnError() {
        CommandRun run = CommandRun.of("start", "--endpoints");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--endpoints");
    }

    @Test
    void noSubcommandIsAnError() {
        CommandRun run = CommandRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("a subcommand is needed: start");
    }

    @Test
    void helpAndVersionExitZero() {
        CommandRun help = CommandRun.of("start", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--endpoints").contains("--listen-addr").contains("--retry-delay")
                .contains("--dial-timeout").contains("--policy").contains("--config");
        CommandRun version = CommandRun.of("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("etcd-gateway ");
    }
}
