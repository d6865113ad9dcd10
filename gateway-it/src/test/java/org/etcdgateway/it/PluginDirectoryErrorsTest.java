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
 * Bad plugin jars in the plugin directory, given to the real gateway process: it refuses to
 * start, with exit code 2 and one line per bad jar that names it. No cluster: nothing may be
 * dialled, and the endpoint given is a port nobody listens on.
 */
@Timeout(120)
class PluginDirectoryErrorsTest {

    private static final int EXIT_BAD_INPUT = 2;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path buildDirectory;

    @TempDir
    Path pluginDirectory;

    private static Path goodJar;
    private static Path throwingJar;
    private static Path jarWithoutServicesFile;
    private static String unusedEndpoint;

    /** Built once, outside the plugin directory; each test copies in what it needs. */
    @BeforeAll
    static void buildPlugins() {
        goodJar = PolicyPluginJar.build(buildDirectory);
        throwingJar = PolicyPluginJar.buildWithThrowingConstructor(buildDirectory);
        jarWithoutServicesFile = PolicyPluginJar.buildWithoutServicesFile(buildDirectory);
        unusedEndpoint = "127.0.0.1:" + FreePorts.one();
    }

    private Path install(Path jar) throws IOException {
        return Files.copy(jar, pluginDirectory.resolve(jar.getFileName()));
    }

    @Test
    void aFileThatIsNotAJarIsNamed() throws IOException {
        Path broken = Files.writeString(pluginDirectory.resolve("broken.jar"), "not a zip", StandardCharsets.UTF_8);

        CommandResult result = refused("--plugin-dir", pluginDirectory.toString());

        assertThat(result.stderr()).as(result::describe)
                .contains("plugin jar " + broken + ": cannot be read as a jar")
                .contains("(expected: a jar (zip) file");
    }

    @Test
    void aJarWithoutAProviderIsNamed() throws IOException {
        Path jar = install(jarWithoutServicesFile);

        CommandResult result = refused("--plugin-dir", pluginDirectory.toString());

        assertThat(result.stderr()).as(result::describe)
                .contains("plugin jar " + jar + ": no provider (expected: at least one of")
                .contains("META-INF/services/org.etcdgateway.api.policy.LoadBalancingPolicyProvider");
    }

    @Test
    void aProviderWhoseConstructorThrowsIsNamedWithItsJarAndItsMessage() throws IOException {
        Path jar = install(throwingJar);

        CommandResult result = refused("--plugin-dir", pluginDirectory.toString(), "--policy", PolicyPluginJar.POLICY_NAME);

        assertThat(result.stderr()).as(result::describe)
                .contains("plugin jar " + jar + ": cannot create the policy provider " + PolicyPluginJar.PROVIDER_CLASS)
                .contains(PolicyPluginJar.CONSTRUCTOR_FAILURE);
    }

    @Test
    void twoJarsWithOnePolicyNameAreBothNamed() throws IOException {
        Path first = Files.copy(goodJar, pluginDirectory.resolve("a-pin.jar"));
        Path second = Files.copy(goodJar, pluginDirectory.resolve("b-pin.jar"));

        CommandResult result = refused("--plugin-dir", pluginDirectory.toString(), "--policy", PolicyPluginJar.POLICY_NAME);

        assertThat(result.stderr()).as(result::describe)
                .contains("plugin jar " + second + ": policy \"" + PolicyPluginJar.POLICY_NAME + "\"")
                .contains("clashes with the policy of that name in plugin jar " + first);
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path absent = pluginDirectory.resolve("absent");

        CommandResult result = refused("--plugin-dir", absent.toString());

        assertThat(result.stderr()).as(result::describe)
                .contains("gateway.plugin-dir: \"" + absent + "\" (expected: a directory of plugin jars that exists), set by --plugin-dir");
    }

    /** Runs the gateway with {@code flags} and checks it refused them, without a stack trace and without binding. */
    private static CommandResult refused(String... flags) {
        List<String> all = new ArrayList<>(List.of("--endpoints", unusedEndpoint, "--listen-addr", "127.0.0.1:0"));
        all.addAll(List.of(flags));
        CommandResult result = GatewayProcess.runUntilExit(all, EXIT_TIMEOUT);
        assertThat(result.timedOut()).as(() -> "the gateway started instead of refusing its plugins:\n" + result.describe())
                .isFalse();
        assertThat(result.exitCode()).as(() -> "exit code for a bad plugin:\n" + result.describe()).isEqualTo(EXIT_BAD_INPUT);
        assertThat(result.stderr()).as(result::describe)
                .doesNotContain("\tat ")
                .doesNotContain("ready: listening");
        assertThat(result.stderr().lines().filter(line -> line.startsWith("etcd-gateway:")))
                .as(() -> "one message:\n" + result.describe())
                .hasSize(1);
        return result;
    }
}
