package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The proxy subcommand's bad input: etcd's flags, checked as etcd would and reported at once. */
class ProxyCommandErrorsTest {

    @Test
    void etcdsMillisecondFlagsTakeWholeNumbers() {
        CommandRun run = CommandRun.of("proxy", "--proxy-failure-wait", "5s", "--proxy-read-timeout", "-1", "--proxy-dial-timeout", "250");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--proxy-failure-wait: \"5s\" (expected: a whole number of milliseconds")
                .contains("--proxy-read-timeout: \"-1\"")
                .doesNotContain("--proxy-dial-timeout:");
    }

    @Test
    void twoPlacesToFindTheClusterAreAnError() {
        CommandRun run = CommandRun.of("proxy", "--initial-cluster", "a=http://127.0.0.1:2380", "--discovery", "http://127.0.0.1:1/t");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--discovery and --initial-cluster each say where the cluster is");
    }

    @Test
    void aMisspeltFlagNamesTheProxysFlag() {
        CommandRun run = CommandRun.of("proxy", "--proxy-refresh-intervall", "1000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown flag --proxy-refresh-intervall; did you mean --proxy-refresh-interval?");
    }

    @Test
    void helpListsEtcdsProxyFlags() {
        CommandRun help = CommandRun.of("proxy", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--proxy=on|readonly", "--listen-client-urls", "--initial-cluster", "--discovery",
                "--discovery-srv", "--data-dir", "--proxy-failure-wait", "--proxy-refresh-interval", "--proxy-dial-timeout",
                "--proxy-write-timeout", "--proxy-read-timeout");
    }
}
