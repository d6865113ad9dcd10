package org.etcdgateway.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.etcdgateway.api.Provider;
import org.etcdgateway.api.ProviderRegistry;

/**
 * One jar of the plugin directory, in a class loader of its own whose parent is the API's: the
 * providers it brought, the defaults of its {@code reference.conf}, and everything wrong with it,
 * each error one line that names the jar.
 *
 * @param path        the jar
 * @param classLoader loads the jar's classes; open while the gateway runs
 * @param providers   the jar's own providers, by kind, in the order its services files list them
 * @param defaults    its {@code reference.conf}, unresolved; empty when it has none
 * @param errors      what is wrong with it; any error stops the gateway's start
 */
record PluginJar(Path path, URLClassLoader classLoader, Map<ProviderKind, List<Provider>> providers, Config defaults,
                 List<String> errors) implements Closeable {

    private static final String EXPECTED_PROVIDER_CLASS = "each class a services file names to be in the jar, public,"
            + " implementing the interface, with a public no-argument constructor that does not throw";

    PluginJar {
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        errors = List.copyOf(errors);
    }

    /**
     * Opens {@code jar} and loads its providers: every error found is in {@link #errors()}, and
     * a jar that cannot be read at all has no class loader.
     */
    static PluginJar open(Path jar, ClassLoader parent) {
        List<String> errors = new ArrayList<>();
        Map<ProviderKind, Set<String>> listed = new LinkedHashMap<>();
        Config defaults = ConfigFactory.empty();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (ProviderKind kind : ProviderKind.ALL) {
                listed.put(kind, listedClasses(file, kind));
            }
            defaults = defaults(jar, file, errors);
        } catch (IOException e) {
            errors.add(error(jar, "cannot be read as a jar: " + e.getMessage(), "a jar (zip) file this process may read"));
            return new PluginJar(jar, null, Map.of(), defaults, errors);
        }

        URLClassLoader classLoader = new URLClassLoader("plugin " + jar.getFileName(), new URL[] {url(jar)}, parent);
        int errorsBeforeProviders = errors.size();
        Map<ProviderKind, List<Provider>> providers = new LinkedHashMap<>();
        for (ProviderKind kind : ProviderKind.ALL) {
            providers.put(kind, providers(jar, kind, listed.get(kind), classLoader, errors));
        }
        boolean providerErrors = errors.size() > errorsBeforeProviders;
        if (providers.values().stream().allMatch(List::isEmpty) && !providerErrors) {
            String services = ProviderKind.ALL.stream().map(ProviderKind::servicesFile).collect(Collectors.joining(", "));
            errors.add(error(jar, "no provider", "at least one of " + services + ", naming a class in the jar"));
        }
        return new PluginJar(jar, classLoader, providers, defaults, errors);
    }

    /**
     * The jar's own providers of one kind. {@link ServiceLoader} also lists the application's,
     * through the parent class loader; those are left out by their class loader.
     */
    private static List<Provider> providers(Path jar, ProviderKind kind, Set<String> listed, URLClassLoader classLoader,
                                            List<String> errors) {
        List<Provider> found = new ArrayList<>();
        Iterator<? extends ServiceLoader.Provider<? extends Provider>> candidates =
                ServiceLoader.load(kind.type(), classLoader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<? extends Provider> candidate;
            try {
                if (!candidates.hasNext()) {
                    break;
                }
                candidate = candidates.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // A class that is missing, is no provider or was built for a newer Java; the
                // services file cannot be read on past it.
                errors.add(error(jar, "cannot load a " + kind.word() + " provider: " + describe(kind, e), EXPECTED_PROVIDER_CLASS));
                break;
            }
            if (candidate.type().getClassLoader() != classLoader) {
                if (listed.contains(candidate.type().getName())) {
                    // Parent first: the classpath's class of that name is the one loaded, never the jar's.
                    errors.add(error(jar, "the " + kind.word() + " provider " + candidate.type().getName()
                            + " is on the classpath too, and the classpath's is the one loaded",
                            "a plugin jar either on the classpath or in the plugin directory, not both"));
                }
                continue;
            }
            Provider provider;
            String name;
            try {
                provider = candidate.get();
                name = provider.name();
                provider.isAvailable();
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                errors.add(error(jar, "cannot create the " + kind.word() + " provider " + candidate.type().getName() + ": "
                        + describe(kind, e), EXPECTED_PROVIDER_CLASS));
                continue;
            }
            if (!ProviderRegistry.isValidName(name)) {
                errors.add(error(jar, "the " + kind.word() + " provider " + candidate.type().getName() + " has the name \""
                        + name + "\"", "a name in lower case, [a-z][a-z0-9-]*"));
                continue;
            }
            found.add(provider);
        }
        return found;
    }

    /** The class names a services file of the jar lists, as ServiceLoader reads them: comments and blanks left out. */
    private static Set<String> listedClasses(JarFile file, ProviderKind kind) throws IOException {
        JarEntry entry = file.getJarEntry(kind.servicesFile());
        if (entry == null) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = (line.contains("#") ? line.substring(0, line.indexOf('#')) : line).strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The jar's reference.conf, parsed alone; its substitutions are resolved with every other default. */
    private static Config defaults(Path jar, JarFile file, List<String> errors) throws IOException {
        JarEntry entry = file.getJarEntry("reference.conf");
        if (entry == null) {
            return ConfigFactory.empty();
        }
        ConfigParseOptions options = ConfigParseOptions.defaults()
                .setSyntax(ConfigSyntax.CONF)
                .setOriginDescription(jar + "!/reference.conf");
        try (Reader reader = new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8)) {
            return ConfigFactory.parseReader(reader, options);
        } catch (ConfigException e) {
            errors.add(error(jar, "its reference.conf is not valid: " + e.getMessage(), "valid HOCON"));
            return ConfigFactory.empty();
        }
    }

    /** What went wrong, with the exception underneath: its message is what the plugin's author wrote for the operator. */
    private static String describe(ProviderKind kind, Throwable e) {
        String message;
        if (e instanceof ServiceConfigurationError) {
            message = e.getMessage();
            // "org.etcdgateway.api.policy.LoadBalancingPolicyProvider: Provider x not found": the kind says the first part.
            message = message.startsWith(kind.type().getName() + ": ") ? message.substring(kind.type().getName().length() + 2) : message;
            if (e.getCause() != null) {
                message += ": " + e.getCause();
            }
        } else {
            message = e.toString();
        }
        return message.replace(System.lineSeparator(), " ").replace('\n', ' ');
    }

    /** {@code plugin jar PATH: problem (expected: ...)}: one line. */
    static String error(Path jar, String problem, String expected) {
        return "plugin jar " + jar + ": " + problem + " (expected: " + expected + ")";
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The providers it brought, for the log: {@code policy pin-first (org.example.PinFirstProvider)}. */
    String describeProviders() {
        List<String> described = new ArrayList<>();
        providers.forEach((kind, list) -> list.forEach(provider -> described.add(kind.word() + " " + provider.name()
                + " (" + provider.getClass().getName() + (provider.isAvailable() ? "" : ", unavailable here") + ")")));
        return String.join(", ", described);
    }

    /** Closes the class loader; for a jar that will not be used. */
    @Override
    public void close() {
        if (classLoader == null) {
            return;
        }
        try {
            classLoader.close();
        } catch (IOException e) {
            // Nothing was loaded from it that matters any more.
        }
    }
}
