package org.etcdgateway.cli;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.etcdgateway.api.ProviderRegistry;
import org.etcdgateway.api.config.ConfigError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jars of the plugin directory ({@code --plugin-dir}, {@code gateway.plugin-dir}): each
 * {@code *.jar} directly in it, in file-name order, in a class loader of its own whose parent is
 * the API's, so that plugins see the API and not each other.
 *
 * <p>A directory without jars is no error, only a warning: a deployment may always pass the
 * directory and put plugins in it only where they are wanted, and a configuration that names a
 * plugin that is not there still fails, with the names there are.
 *
 * @param jars   every jar found, good or bad, in file-name order
 * @param errors what is wrong with the directory or any jar, one line each
 */
record PluginDirectory(List<PluginJar> jars, List<String> errors) implements Closeable {

    /** The key that names the directory; read before the rest of the configuration, whose keys plugins add to. */
    static final String KEY = "gateway.plugin-dir";

    private static final Logger log = LoggerFactory.getLogger(PluginDirectory.class);

    /** No plugins: no directory was given. */
    static final PluginDirectory NONE = new PluginDirectory(List.of(), List.of());

    PluginDirectory {
        jars = List.copyOf(jars);
        errors = List.copyOf(errors);
    }

    /**
     * Loads every jar in {@code directory}.
     *
     * @param origin where the directory was set (a flag, a file and line), for messages
     * @param parent the class loader of the API: every plugin's parent
     */
    static PluginDirectory load(Path directory, String origin, ClassLoader parent) {
        List<String> errors = new ArrayList<>();
        String expected = null;
        if (!Files.exists(directory)) {
            expected = "a directory of plugin jars that exists";
        } else if (!Files.isDirectory(directory)) {
            expected = "a directory of plugin jars, not a file";
        } else if (!Files.isReadable(directory) || !Files.isExecutable(directory)) {
            expected = "a directory of plugin jars this process may read";
        }
        if (expected != null) {
            errors.add(new ConfigError(KEY, directory.toString(), expected, origin).message());
            return new PluginDirectory(List.of(), errors);
        }

        List<Path> paths;
        try (Stream<Path> entries = Files.list(directory)) {
            paths = entries.filter(path -> path.getFileName().toString().endsWith(".jar"))
                    .sorted(Comparator.comparing(path -> path.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            errors.add(new ConfigError(KEY, directory.toString(), "a directory of plugin jars this process may read ("
                    + e + ")", origin).message());
            return new PluginDirectory(List.of(), errors);
        }
        if (paths.isEmpty()) {
            log.warn("plugin directory {} holds no jars (*.jar): no plugins loaded", directory);
        }

        List<PluginJar> jars = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.isRegularFile(path)) {
                errors.add(PluginJar.error(path, "not a file", "a jar file; subdirectories are not searched"));
            } else if (!Files.isReadable(path)) {
                errors.add(PluginJar.error(path, "not readable", "a jar file this process may read"));
            } else {
                PluginJar jar = PluginJar.open(path, parent);
                jars.add(jar);
                errors.addAll(jar.errors());
            }
        }
        return new PluginDirectory(jars, errors);
    }

    /** The class loader every plugin's class loader has for its parent: the API's own. */
    static ClassLoader apiClassLoader() {
        return ProviderRegistry.class.getClassLoader();
    }

    /** The defaults of every jar that has a readable reference.conf, for the config's known keys. */
    List<Config> defaults() {
        return jars.stream().map(PluginJar::defaults).toList();
    }

    /** One line per jar: which providers it brought. */
    void logLoaded() {
        for (PluginJar jar : jars) {
            log.info("plugin jar {} loaded: {}", jar.path(), jar.describeProviders());
        }
    }

    /** Closes every jar's class loader; for when nothing will run. */
    @Override
    public void close() {
        jars.forEach(PluginJar::close);
    }
}
