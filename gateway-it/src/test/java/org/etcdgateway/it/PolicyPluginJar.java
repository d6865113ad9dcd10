package org.etcdgateway.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;

/**
 * Builds, at test time, a third-party load-balancing policy jar the way an outsider would: a
 * provider compiled against the published API jar alone, with its {@code META-INF/services}
 * line. It is not part of the gateway's build, so the gateway can only find it through the
 * plugin mechanism.
 */
final class PolicyPluginJar {

    /** The name the gateway's {@code --policy} chooses the plugin by. */
    static final String POLICY_NAME = "pin-highest-port";
    static final String PROVIDER_CLASS = "org.example.pinning.PinHighestPortPolicyProvider";
    /** What the broken variant's constructor throws, for the gateway's message to show. */
    static final String CONSTRUCTOR_FAILURE = "the pinning licence has expired";

    private static final String SERVICES_ENTRY = "META-INF/services/" + LoadBalancingPolicyProvider.class.getName();
    private static final String PROVIDER_SOURCE = """
            package org.example.pinning;

            import java.util.Comparator;
            import org.etcdgateway.api.Endpoint;
            import org.etcdgateway.api.config.SettingsReader;
            import org.etcdgateway.api.policy.LoadBalancingPolicy;
            import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;

            /** Sends every connection to the usable endpoint with the highest port: easy to tell from outside. */
            public final class PinHighestPortPolicyProvider
                    implements LoadBalancingPolicyProvider<PinHighestPortPolicyProvider.Settings> {

                public PinHighestPortPolicyProvider() {
                    %s
                }

                /** The policy has no settings. */
                public record Settings() {
                }

                @Override
                public String name() {
                    return "%s";
                }

                @Override
                public Settings parseSettings(SettingsReader settings) {
                    return new Settings();
                }

                @Override
                public LoadBalancingPolicy newPolicy(Settings settings) {
                    return candidates -> candidates.stream().max(Comparator.comparingInt(Endpoint::port)).orElseThrow();
                }
            }
            """;

    private PolicyPluginJar() {
    }

    /**
     * Writes the source into {@code directory}, compiles it and returns the jar.
     *
     * @throws IllegalStateException with the compiler's messages when it does not compile
     */
    static Path build(Path directory) {
        return build(directory, POLICY_NAME + "-policy.jar", "", true);
    }

    /** The same plugin, but its provider's constructor throws {@link #CONSTRUCTOR_FAILURE}. */
    static Path buildWithThrowingConstructor(Path directory) {
        return build(directory, POLICY_NAME + "-throwing.jar",
                "throw new IllegalStateException(\"" + CONSTRUCTOR_FAILURE + "\");", true);
    }

    /** The same classes without the services file: a jar with no provider the gateway can find. */
    static Path buildWithoutServicesFile(Path directory) {
        return build(directory, POLICY_NAME + "-no-services.jar", "", false);
    }

    private static Path build(Path directory, String jarName, String constructorBody, boolean servicesFile) {
        try {
            Path work = Files.createDirectories(directory.resolve(jarName + ".build"));
            Path sources = Files.createDirectories(work.resolve("src"));
            Path classes = Files.createDirectories(work.resolve("classes"));
            Path source = sources.resolve(PROVIDER_CLASS.replace('.', '/') + ".java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, PROVIDER_SOURCE.formatted(constructorBody, POLICY_NAME), StandardCharsets.UTF_8);
            compile(source, classes);
            if (servicesFile) {
                Path services = classes.resolve(SERVICES_ENTRY);
                Files.createDirectories(services.getParent());
                Files.writeString(services, PROVIDER_CLASS + "\n", StandardCharsets.UTF_8);
            }
            Path jar = directory.resolve(jarName);
            writeJar(classes, jar);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the plugin jar in " + directory, e);
        }
    }

    private static void compile(Path source, Path classes) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home")
                    + "; the plugin test needs a JDK, not a JRE");
        }
        // Only the API and what its signatures mention: what a plugin author compiles against.
        String classpath = String.join(java.io.File.pathSeparator,
                locationOf(LoadBalancingPolicyProvider.class), locationOf(com.typesafe.config.Config.class));
        StringWriter messages = new StringWriter();
        var fileManager = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        try (fileManager) {
            boolean compiled = compiler.getTask(messages, fileManager, null,
                    List.of("--release", "17", "-classpath", classpath, "-d", classes.toString()),
                    null, fileManager.getJavaFileObjects(source)).call();
            if (!compiled) {
                throw new IllegalStateException("the plugin source does not compile against " + classpath + ":\n" + messages);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The jar or directory a class was loaded from. Looked up by class rather than by name on
     * {@code java.class.path}, because surefire may hide the real classpath behind a manifest jar.
     */
    private static String locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + type.getName(), e);
        }
    }

    private static void writeJar(Path classes, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream output = new JarOutputStream(file, manifest);
                Stream<Path> paths = Files.walk(classes)) {
            for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
                output.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                Files.copy(path, output);
                output.closeEntry();
            }
        }
    }
}
