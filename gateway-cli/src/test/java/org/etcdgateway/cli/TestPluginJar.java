package org.etcdgateway.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.etcdgateway.api.Provider;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;

/**
 * A small plugin jar built at test time, as a third party would build one: Java sources compiled
 * against the API alone, services files, resources. Compiled in memory; only the jar is written.
 */
final class TestPluginJar {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, StringBuilder> services = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();
    private final Map<String, Integer> classVersions = new LinkedHashMap<>();

    static TestPluginJar jar() {
        return new TestPluginJar();
    }

    /**
     * A jar with one policy provider, {@code org.example.<className>}, named {@code name}, whose
     * constructor runs {@code constructorBody}, listed in the jar's services file.
     */
    static TestPluginJar withPolicy(String className, String name, String constructorBody) {
        return jar().source("org.example." + className, policySource(className, name, constructorBody))
                .service(LoadBalancingPolicyProvider.class, "org.example." + className);
    }

    static TestPluginJar withPolicy(String className, String name) {
        return withPolicy(className, name, "");
    }

    /** The source of a policy provider that always picks the first candidate. */
    static String policySource(String className, String name, String constructorBody) {
        return """
                package org.example;

                import org.etcdgateway.api.config.SettingsReader;
                import org.etcdgateway.api.policy.LoadBalancingPolicy;
                import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;

                public final class %1$s implements LoadBalancingPolicyProvider<String> {
                    public %1$s() {
                        %3$s
                    }

                    @Override
                    public String name() {
                        return "%2$s";
                    }

                    @Override
                    public String parseSettings(SettingsReader settings) {
                        return "";
                    }

                    @Override
                    public LoadBalancingPolicy newPolicy(String settings) {
                        return candidates -> candidates.get(0);
                    }
                }
                """.formatted(className, name, constructorBody);
    }

    /** A class, by its binary name, compiled from {@code source}. */
    TestPluginJar source(String className, String source) {
        sources.put(className, source);
        return this;
    }

    /** A line naming {@code className} in the services file of {@code spi}. */
    TestPluginJar service(Class<? extends Provider> spi, String className) {
        services.computeIfAbsent("META-INF/services/" + spi.getName(), path -> new StringBuilder())
                .append(className).append('\n');
        return this;
    }

    /** Any file in the jar, such as {@code reference.conf}. */
    TestPluginJar resource(String path, String content) {
        resources.put(path, content);
        return this;
    }

    /** Marks {@code className}'s class file as built for another Java (class-file major version). */
    TestPluginJar classFileVersion(String className, int majorVersion) {
        classVersions.put(className, majorVersion);
        return this;
    }

    /** Compiles the sources and writes the jar at {@code jar}; returns {@code jar}. */
    Path writeTo(Path jar) {
        Map<String, byte[]> classes = compile();
        classVersions.forEach((className, version) -> {
            byte[] bytes = classes.get(className);
            bytes[6] = (byte) (version >> 8);
            bytes[7] = (byte) (int) version;
        });
        try {
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream output = new JarOutputStream(file)) {
                for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                    write(output, entry.getKey().replace('.', '/') + ".class", entry.getValue());
                }
                for (Map.Entry<String, StringBuilder> entry : services.entrySet()) {
                    write(output, entry.getKey(), entry.getValue().toString().getBytes(StandardCharsets.UTF_8));
                }
                for (Map.Entry<String, String> entry : resources.entrySet()) {
                    write(output, entry.getKey(), entry.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    private static void write(JarOutputStream output, String path, byte[] content) throws IOException {
        output.putNextEntry(new JarEntry(path));
        output.write(content);
        output.closeEntry();
    }

    private Map<String, byte[]> compile() {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        if (sources.isEmpty()) {
            return classes;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home") + "; these tests need a JDK");
        }
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((className, source) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }));
        // The API and what its signatures mention: what a plugin author compiles against.
        String classpath = String.join(java.io.File.pathSeparator, locationOf(Provider.class),
                locationOf(com.typesafe.config.Config.class));
        StringWriter messages = new StringWriter();
        StandardJavaFileManager standard = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        try (InMemoryClasses fileManager = new InMemoryClasses(standard, classes)) {
            boolean compiled = compiler.getTask(messages, fileManager, null,
                    List.of("--release", "17", "-classpath", classpath), null, units).call();
            if (!compiled) {
                throw new IllegalStateException("the test plugin does not compile:\n" + messages);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    private static String locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the compiler's class files in a map, by binary class name. */
    private static final class InMemoryClasses extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, byte[]> classes;

        InMemoryClasses(StandardJavaFileManager fileManager, Map<String, byte[]> classes) {
            super(fileManager);
            this.classes = classes;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            classes.put(className, toByteArray());
                        }
                    };
                }
            };
        }
    }
}
