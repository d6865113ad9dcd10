package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --plugin-dir} and {@code gateway.plugin-dir} through the real command line. Each run
 * also has a flag that is wrong, so that nothing starts: a run whose only error is that flag
 * accepted everything else, the plugin's name and its settings among them.
 */
class PluginDirectoryCommandTest {

    /** An error of its own that stops the start, in a run that is otherwise valid. */
    private static final String STOPPER = "gateway.transport.tcp.retry-delay: \"soon\"";

    @TempDir
    Path directory;

    private Path plugins;

    @BeforeEach
    void buildPlugin() {
        plugins = directory.resolve("plugins");
        TestPluginJar.withPolicy("PinProvider", "pin")
                .resource("reference.conf", """
                        gateway.policy.pin {
                          # which endpoint to pin
                          index = 0
                        }
                        """)
                .writeTo(plugins.resolve("pin.jar"));
    }

    @Test
    void aPolicyFromThePluginDirectoryIsChosenByName() {
        CommandRun run = CommandRun.of("start", "--plugin-dir", plugins.toString(), "--policy", "pin", "--retry-delay", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("etcd-gateway: " + STOPPER).doesNotContain("pin");
    }

    @Test
    void withoutThePluginDirectoryItsNameIsUnknown() {
        CommandRun run = CommandRun.of("start", "--policy", "pin", "--retry-delay", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.policy.provider: \"pin\" (expected: one of random-sticky, round-robin,")
                .contains("on the classpath or in the plugin directory (--plugin-dir)");
    }

    @Test
    void theConfigFileMayNameTheDirectoryAndSetThePluginsKeys() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), """
                gateway {
                  plugin-dir = "%s"
                  policy.provider = pin
                  policy.pin.index = 2
                }
                """.formatted(plugins));

        CommandRun run = CommandRun.of("start", "--config", file.toString(), "--retry-delay", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("etcd-gateway: " + STOPPER).doesNotContain("pin");
    }

    @Test
    void withoutThePluginItsKeysAreUnknown() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), "gateway.policy.pin.index = 2\n");

        CommandRun run = CommandRun.of("start", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.policy.pin.index (unknown key)");
    }

    @Test
    void theFlagWinsOverTheConfigFile() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"),
                "gateway.plugin-dir = \"" + directory.resolve("absent") + "\"\n");

        CommandRun run = CommandRun.of("start", "--config", file.toString(), "--plugin-dir", plugins.toString(), "--policy", "pin",
                "--retry-delay", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("etcd-gateway: " + STOPPER).doesNotContain("absent");
    }

    @Test
    void aMissingDirectoryInTheConfigFileIsNamedWithItsLine() throws IOException {
        Path absent = directory.resolve("absent");
        Path file = Files.writeString(directory.resolve("gateway.conf"), """
                gateway {
                  plugin-dir = "%s"
                }
                """.formatted(absent));

        CommandRun run = CommandRun.of("start", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.plugin-dir: \"" + absent
                + "\" (expected: a directory of plugin jars that exists), set by " + file + ":2");
    }

    @Test
    void aDirectoryThatIsNotAStringIsAnError() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), "gateway.plugin-dir = [a, b]\n");

        CommandRun run = CommandRun.of("start", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.plugin-dir: \"[\"a\",\"b\"]\" (expected: a directory's path, a string)");
    }

    @Test
    void anEmptyDirectoryNameMeansNoPlugins() {
        CommandRun run = CommandRun.of("start", "--plugin-dir", "", "--policy", "pin");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("gateway.policy.provider: \"pin\"").doesNotContain("plugin-dir:");
    }

    @Test
    void theProxyTakesThePluginDirectoryToo() {
        CommandRun good = CommandRun.of("proxy", "--plugin-dir", plugins.toString(), "--policy", "pin", "--proxy-failure-wait", "soon");
        assertThat(good.exitCode()).isEqualTo(2);
        assertThat(good.err()).startsWith("etcd-gateway: --proxy-failure-wait: \"soon\"").doesNotContain("pin");

        Path absent = directory.resolve("absent");
        CommandRun bad = CommandRun.of("proxy", "--plugin-dir", absent.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("gateway.plugin-dir: \"" + absent + "\" (expected: a directory of plugin jars that exists)");
    }

    @Test
    void everyBadJarIsReportedWithTheOtherErrorsAtOnce() throws IOException {
        Path broken = Files.writeString(plugins.resolve("broken.jar"), "text");
        Path clash = TestPluginJar.withPolicy("RoundRobinAgainProvider", "round-robin").writeTo(plugins.resolve("rr.jar"));
        Path throwing = TestPluginJar.withPolicy("ThrowingProvider", "throwing", "throw new IllegalStateException(\"no licence\");")
                .writeTo(plugins.resolve("throwing.jar"));

        CommandRun run = CommandRun.of("start", "--plugin-dir", plugins.toString(), "--retry-delay", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("etcd-gateway: 4 errors:")
                .contains("  - plugin jar " + broken + ": cannot be read as a jar")
                .contains("  - plugin jar " + throwing + ": cannot create the policy provider org.example.ThrowingProvider")
                .contains("no licence")
                .contains("  - plugin jar " + clash + ": policy \"round-robin\" (org.example.RoundRobinAgainProvider) clashes with"
                        + " the built-in policy of that name")
                .contains("  - " + STOPPER);
    }

    @Test
    void helpNamesTheFlag() {
        assertThat(CommandRun.of("start", "--help").out()).contains("--plugin-dir=DIR");
        assertThat(CommandRun.of("proxy", "--help").out()).contains("--plugin-dir=DIR");
    }
}
