package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.etcdgateway.api.Provider;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Loading the plugin directory: one class loader per jar, and one error naming the jar for each thing wrong with it. */
class PluginDirectoryTest {

    @TempDir
    Path directory;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeClassLoaders() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private PluginDirectory load(Path pluginDirectory) {
        return load(pluginDirectory, PluginDirectory.apiClassLoader());
    }

    private PluginDirectory load(Path pluginDirectory, ClassLoader parent) {
        PluginDirectory plugins = PluginDirectory.load(pluginDirectory, "--plugin-dir", parent);
        opened.add(plugins);
        return plugins;
    }

    private static List<Provider> providersOf(PluginJar jar, ProviderKind kind) {
        return jar.providers().get(kind);
    }

    /** A policy whose name comes from a class of the same binary name in each jar: shared loaders would give one name twice. */
    private static TestPluginJar policyNamedByItsOwnHelper(String name) {
        return TestPluginJar.jar()
                .source("org.example.Names", "package org.example; final class Names { static final String NAME = \"" + name + "\"; }")
                .source("org.example.NamedPolicyProvider", TestPluginJar.policySource("NamedPolicyProvider", "x", "")
                        .replace("return \"x\";", "return Names.NAME;"))
                .service(LoadBalancingPolicyProvider.class, "org.example.NamedPolicyProvider");
    }

    @Test
    void eachJarHasAClassLoaderOfItsOwnWhoseParentIsTheApis() {
        policyNamedByItsOwnHelper("alpha").writeTo(directory.resolve("alpha.jar"));
        policyNamedByItsOwnHelper("beta").writeTo(directory.resolve("beta.jar"));

        PluginDirectory plugins = load(directory);

        assertThat(plugins.errors()).isEmpty();
        assertThat(plugins.jars()).hasSize(2);
        PluginJar alpha = plugins.jars().get(0);
        PluginJar beta = plugins.jars().get(1);
        assertThat(providersOf(alpha, ProviderKind.POLICY)).extracting(Provider::name).containsExactly("alpha");
        assertThat(providersOf(beta, ProviderKind.POLICY)).extracting(Provider::name).containsExactly("beta");
        assertThat(alpha.classLoader()).isNotSameAs(beta.classLoader());
        assertThat(alpha.classLoader().getParent()).isSameAs(LoadBalancingPolicyProvider.class.getClassLoader());
        assertThat(providersOf(alpha, ProviderKind.POLICY).get(0).getClass().getClassLoader()).isSameAs(alpha.classLoader());
        assertThat(providersOf(alpha, ProviderKind.DISCOVERY)).isEmpty();
        // Nothing of a plugin leaks onto the application's class path.
        assertThatThrownBy(() -> Class.forName("org.example.Names", false, getClass().getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void onlyJarsDirectlyInTheDirectoryAreLoadedInFileNameOrder() throws IOException {
        TestPluginJar.withPolicy("BProvider", "b").writeTo(directory.resolve("b.jar"));
        TestPluginJar.withPolicy("AProvider", "a").writeTo(directory.resolve("a.jar"));
        TestPluginJar.withPolicy("CProvider", "c").writeTo(directory.resolve("nested/c.jar"));
        TestPluginJar.withPolicy("DProvider", "d").writeTo(directory.resolve("d.jar.disabled"));
        Files.writeString(directory.resolve("README"), "not a jar");

        PluginDirectory plugins = load(directory);

        assertThat(plugins.errors()).isEmpty();
        assertThat(plugins.jars()).extracting(PluginJar::path)
                .containsExactly(directory.resolve("a.jar"), directory.resolve("b.jar"));
    }

    @Test
    void aJarMayBringProvidersOfSeveralKinds() {
        String discovery = """
                package org.example;

                import org.etcdgateway.api.config.SettingsReader;
                import org.etcdgateway.api.discovery.DiscoveryContext;
                import org.etcdgateway.api.discovery.EndpointDiscovery;
                import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;

                public final class FileDiscoveryProvider implements EndpointDiscoveryProvider<String> {
                    @Override
                    public String name() {
                        return "from-file";
                    }

                    @Override
                    public String parseSettings(SettingsReader settings) {
                        return "";
                    }

                    @Override
                    public EndpointDiscovery newDiscovery(String settings, DiscoveryContext context) {
                        throw new UnsupportedOperationException();
                    }
                }
                """;
        TestPluginJar.withPolicy("PinProvider", "pin")
                .source("org.example.FileDiscoveryProvider", discovery)
                .service(EndpointDiscoveryProvider.class, "org.example.FileDiscoveryProvider")
                .writeTo(directory.resolve("both.jar"));

        PluginDirectory plugins = load(directory);

        assertThat(plugins.errors()).isEmpty();
        PluginJar jar = plugins.jars().get(0);
        assertThat(providersOf(jar, ProviderKind.POLICY)).extracting(Provider::name).containsExactly("pin");
        assertThat(providersOf(jar, ProviderKind.DISCOVERY)).extracting(Provider::name).containsExactly("from-file");
        assertThat(jar.describeProviders())
                .isEqualTo("discovery from-file (org.example.FileDiscoveryProvider), policy pin (org.example.PinProvider)");
    }

    @Test
    void aDirectoryWithoutJarsIsAWarningNotAnError() throws IOException {
        Files.writeString(directory.resolve("pin.jar.txt"), "not a jar");
        Logger logger = (Logger) LoggerFactory.getLogger(PluginDirectory.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            PluginDirectory plugins = load(directory);

            assertThat(plugins.errors()).isEmpty();
            assertThat(plugins.jars()).isEmpty();
            assertThat(appender.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getFormattedMessage()).contains(directory.toString()).contains("no jars");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aMissingDirectoryIsAnErrorWithTheKeyTheValueAndWhereItWasSet() {
        Path missing = directory.resolve("absent");

        PluginDirectory plugins = load(missing);

        assertThat(plugins.errors()).containsExactly("gateway.plugin-dir: \"" + missing
                + "\" (expected: a directory of plugin jars that exists), set by --plugin-dir");
    }

    @Test
    void aFileIsNotADirectory() {
        Path jar = TestPluginJar.withPolicy("PinProvider", "pin").writeTo(directory.resolve("pin.jar"));

        assertThat(load(jar).errors()).singleElement().asString()
                .startsWith("gateway.plugin-dir: \"" + jar + "\"").contains("not a file");
    }

    @Test
    void aFileThatIsNotAZipIsAnErrorNamingIt() throws IOException {
        Path broken = Files.writeString(directory.resolve("broken.jar"), "this is text, not a zip");
        TestPluginJar.withPolicy("PinProvider", "pin").writeTo(directory.resolve("good.jar"));

        PluginDirectory plugins = load(directory);

        assertThat(plugins.errors()).singleElement().asString()
                .startsWith("plugin jar " + broken + ": cannot be read as a jar")
                .endsWith("(expected: a jar (zip) file this process may read)");
        // The good jar is loaded all the same, so that its own errors (if any) show at once.
        assertThat(plugins.jars()).extracting(PluginJar::path).contains(directory.resolve("good.jar"));
    }

    @Test
    void aJarWithoutAProviderIsAnErrorNamingIt() {
        Path jar = TestPluginJar.jar()
                .source("org.example.Helper", "package org.example; public final class Helper {}")
                .writeTo(directory.resolve("helper.jar"));

        assertThat(load(directory).errors()).singleElement().asString()
                .startsWith("plugin jar " + jar + ": no provider (expected: at least one of")
                .contains("META-INF/services/org.etcdgateway.api.discovery.EndpointDiscoveryProvider")
                .contains("META-INF/services/org.etcdgateway.api.policy.LoadBalancingPolicyProvider")
                .contains("META-INF/services/org.etcdgateway.api.transport.TransportProvider");
    }

    @Test
    void aServicesFileNamingAMissingClassIsAnErrorNamingTheJarAndTheClass() {
        Path jar = TestPluginJar.jar()
                .service(LoadBalancingPolicyProvider.class, "org.example.Missing")
                .writeTo(directory.resolve("missing.jar"));

        assertThat(load(directory).errors()).singleElement().asString()
                .startsWith("plugin jar " + jar + ": cannot load a policy provider: Provider org.example.Missing not found")
                .contains("(expected: each class a services file names to be in the jar");
    }

    @Test
    void aProviderWhoseConstructorThrowsIsAnErrorWithItsMessage() {
        Path jar = TestPluginJar.withPolicy("ThrowingProvider", "throwing",
                        "throw new IllegalStateException(\"needs /etc/pin.conf\");")
                .writeTo(directory.resolve("throwing.jar"));

        assertThat(load(directory).errors()).singleElement().asString()
                .startsWith("plugin jar " + jar + ": cannot create the policy provider org.example.ThrowingProvider")
                .contains("java.lang.IllegalStateException: needs /etc/pin.conf");
    }

    @Test
    void aClassThatDoesNotImplementTheInterfaceIsAnError() {
        Path jar = TestPluginJar.jar()
                .source("org.example.NotAProvider", "package org.example; public final class NotAProvider {}")
                .service(LoadBalancingPolicyProvider.class, "org.example.NotAProvider")
                .writeTo(directory.resolve("not-a-provider.jar"));

        assertThat(load(directory).errors()).singleElement().asString()
                .startsWith("plugin jar " + jar + ": cannot load a policy provider")
                .contains("org.example.NotAProvider not a subtype");
    }

    @Test
    void aProviderBuiltForANewerJavaIsAnError() {
        Path jar = TestPluginJar.withPolicy("FutureProvider", "future")
                .classFileVersion("org.example.FutureProvider", 99)
                .writeTo(directory.resolve("future.jar"));

        assertThat(load(directory).errors()).singleElement().asString()
                .startsWith("plugin jar " + jar + ": cannot load a policy provider")
                .contains("UnsupportedClassVersionError");
    }

    @Test
    void aProviderWithABadNameIsAnErrorNamingTheJarAndTheName() {
        Path jar = TestPluginJar.withPolicy("BadNameProvider", "Pin_First").writeTo(directory.resolve("bad-name.jar"));

        assertThat(load(directory).errors()).containsExactly("plugin jar " + jar
                + ": the policy provider org.example.BadNameProvider has the name \"Pin_First\""
                + " (expected: a name in lower case, [a-z][a-z0-9-]*)");
    }

    @Test
    void aJarAlsoOnTheClasspathIsAnError() throws IOException {
        Path jar = TestPluginJar.withPolicy("PinProvider", "pin").writeTo(directory.resolve("pin.jar"));
        try (URLClassLoader classpath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, PluginDirectory.apiClassLoader())) {
            PluginDirectory plugins = load(directory, classpath);

            assertThat(plugins.errors()).singleElement().asString()
                    .startsWith("plugin jar " + jar + ": the policy provider org.example.PinProvider is on the classpath too")
                    .endsWith("(expected: a plugin jar either on the classpath or in the plugin directory, not both)");
        }
    }

    @Test
    void aJarsReferenceConfIsReadAsItsDefaults() {
        TestPluginJar.withPolicy("PinProvider", "pin")
                .resource("reference.conf", "gateway.policy.pin {\n  # how hard\n  weight = 3\n}\n")
                .writeTo(directory.resolve("pin.jar"));

        PluginDirectory plugins = load(directory);

        assertThat(plugins.errors()).isEmpty();
        assertThat(plugins.defaults()).singleElement()
                .satisfies(defaults -> assertThat(defaults.getInt("gateway.policy.pin.weight")).isEqualTo(3));
    }

    @Test
    void anInvalidReferenceConfIsAnErrorNamingTheJar() {
        Path jar = TestPluginJar.withPolicy("PinProvider", "pin")
                .resource("reference.conf", "gateway.policy.pin {\n  weight = \n")
                .writeTo(directory.resolve("pin.jar"));

        assertThat(load(directory).errors()).singleElement().asString()
                .startsWith("plugin jar " + jar + ": its reference.conf is not valid")
                .contains(jar + "!/reference.conf")
                .endsWith("(expected: valid HOCON)");
    }

    @Test
    void everyBadJarIsReportedInFileNameOrder() throws IOException {
        Path broken = Files.writeString(directory.resolve("a-broken.jar"), "text");
        Path empty = TestPluginJar.jar()
                .source("org.example.Helper", "package org.example; public final class Helper {}")
                .writeTo(directory.resolve("b-empty.jar"));
        Path throwing = TestPluginJar.withPolicy("ThrowingProvider", "throwing", "throw new IllegalStateException(\"no\");")
                .writeTo(directory.resolve("c-throwing.jar"));
        TestPluginJar.withPolicy("GoodProvider", "good").writeTo(directory.resolve("d-good.jar"));

        PluginDirectory plugins = load(directory);

        assertThat(plugins.errors()).hasSize(3);
        assertThat(plugins.errors().get(0)).startsWith("plugin jar " + broken + ":");
        assertThat(plugins.errors().get(1)).startsWith("plugin jar " + empty + ":");
        assertThat(plugins.errors().get(2)).startsWith("plugin jar " + throwing + ":");
    }
}
