package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path directory;

    private final ConfigLoader loader = new ConfigLoader(getClass().getClassLoader(), List.of());

    @Test
    void flagsOverrideTheFileWhichOverridesTheDefaults() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), """
                gateway.transport.tcp.dial-timeout = 5s
                gateway.transport.tcp.retry-delay = 20s
                """);
        String path = "gateway.transport.tcp.dial-timeout";
        ConfigLoader.Result result = loader.load(Map.of(path, "2s"), Map.of(path, "--dial-timeout"), file);
        assertThat(result.errors()).isEmpty();
        Config config = result.config();
        assertThat(config.getString(path)).isEqualTo("2s");
        assertThat(config.getString("gateway.transport.tcp.retry-delay")).isEqualTo("20s");
        assertThat(config.getString("gateway.transport.tcp.listen-addr")).isEqualTo("127.0.0.1:23790");
        assertThat(config.getString("gateway.policy.provider")).isEqualTo("random-sticky");
    }

    @Test
    void aFileMayUseSubstitutionsOfItsOwnAndOfTheDefaults() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), """
                gateway.transport.tcp.drain-timeout = ${gateway.transport.tcp.dial-timeout}
                """);
        ConfigLoader.Result result = loader.load(Map.of(), Map.of(), file);
        assertThat(result.errors()).isEmpty();
        assertThat(result.config().getString("gateway.transport.tcp.drain-timeout")).isEqualTo("1s");
    }

    @Test
    void theDefaultsOwnSubstitutionsSeeTheFlags() {
        String path = "gateway.discovery.static.endpoints";
        ConfigLoader.Result result = loader.load(Map.of(path, "10.0.0.1:2379"), Map.of(path, "--endpoints"), null);
        assertThat(result.errors()).isEmpty();
        assertThat(result.config().getString("gateway.discovery.etcd-members.endpoints")).isEqualTo("10.0.0.1:2379");
    }

    @Test
    void keysOutsideEveryReferenceConfAreUnknown() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), """
                gateway.policy.provider = round-robin
                gateway.policies.provider = round-robin
                something-else = 1
                """);
        ConfigLoader.Result result = loader.load(Map.of(), Map.of(), file);
        assertThat(result.errors()).extracting(error -> error.path())
                .containsExactly("gateway.policies.provider (unknown key)", "something-else (unknown key)");
        assertThat(result.errors().get(0).expected()).contains("did you mean gateway.policy.provider?");
    }

    @Test
    void aPluginsDefaultsAddKeysAndNeverChangeTheClasspaths() throws IOException {
        Config plugin = ConfigFactory.parseString("""
                gateway.policy.pin.index = 1
                gateway.policy.pin.timeout = ${gateway.transport.tcp.dial-timeout}
                gateway.policy.provider = pin
                """);
        Path file = Files.writeString(directory.resolve("gateway.conf"), "gateway.policy.pin.index = 2\n");

        ConfigLoader.Result result = new ConfigLoader(getClass().getClassLoader(), List.of(plugin)).load(Map.of(), Map.of(), file);

        assertThat(result.errors()).isEmpty();
        assertThat(result.config().getInt("gateway.policy.pin.index")).isEqualTo(2);
        assertThat(result.config().getString("gateway.policy.pin.timeout")).isEqualTo("1s");
        assertThat(result.config().getString("gateway.policy.provider")).isEqualTo("random-sticky");
        assertThat(loader.load(Map.of(), Map.of(), file).errors()).extracting(error -> error.path())
                .containsExactly("gateway.policy.pin.index (unknown key)");
    }

    @Test
    void theFilesOwnValueOfOneKeyIsReadBeforeEverythingElse() throws IOException {
        Path file = Files.writeString(directory.resolve("gateway.conf"), """
                dir = /opt/plugins
                gateway.plugin-dir = ${dir}
                gateway.policy.pin.index = 2
                """);

        assertThat(ConfigLoader.valueInFile(file, "gateway.plugin-dir")).get()
                .satisfies(value -> assertThat(value.unwrapped()).isEqualTo("/opt/plugins"));
        assertThat(ConfigLoader.valueInFile(file, "gateway.policy.provider")).isEmpty();
        assertThat(ConfigLoader.valueInFile(directory.resolve("absent.conf"), "gateway.plugin-dir")).isEmpty();
    }
}
