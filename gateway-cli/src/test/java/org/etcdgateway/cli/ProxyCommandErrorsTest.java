package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The proxy subcommand's bad input: etcd's flags, checked as etcd would and reported at once. */
class ProxyCommandErrorsTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = EtcdGateway.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void etcdsMillisecondFlagsTakeWholeNumbers() {
        Run run = run("proxy", "--proxy-failure-wait", "5s", "--proxy-read-timeout", "-1", "--proxy-dial-timeout", "250");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--proxy-failure-wait: \"5s\" (expected: a whole number of milliseconds")
                .contains("--proxy-read-timeout: \"-1\"")
                .doesNotContain("--proxy-dial-timeout:");
    }

    @Test
    void twoPlacesToFindTheClusterAreAnError() {
        Run run = run("proxy", "--initial-cluster", "a=http://127.0.0.1:2380", "--discovery", "http://127.0.0.1:1/t");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--discovery and --initial-cluster each say where the cluster is");
    }

    @Test
    void aMisspeltFlagNamesTheProxysFlag() {
        Run run = run("proxy", "--proxy-refresh-intervall", "1000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown flag --proxy-refresh-intervall; did you mean --proxy-refresh-interval?");
    }

    @Test
    void helpListsEtcdsProxyFlags() {
        Run help = run("proxy", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--proxy=on|readonly", "--listen-client-urls", "--initial-cluster", "--discovery",
                "--discovery-srv", "--data-dir", "--proxy-failure-wait", "--proxy-refresh-interval", "--proxy-dial-timeout",
                "--proxy-write-timeout", "--proxy-read-timeout");
    }
}
