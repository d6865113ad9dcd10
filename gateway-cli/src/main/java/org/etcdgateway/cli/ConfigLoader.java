package org.etcdgateway.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.SettingsReader;

/**
 * Builds the one configuration the gateway runs with, highest precedence first: command-line
 * flags, the {@code --config} file, environment variables named in {@code reference.conf}, then
 * the defaults in every {@code reference.conf} on the classpath and in every plugin jar. Keys that
 * no {@code reference.conf} knows are errors, with the nearest known key when there is one.
 */
final class ConfigLoader {

    private final ClassLoader classLoader;
    private final List<Config> pluginDefaults;

    /**
     * @param classLoader    sees every {@code reference.conf} on the classpath
     * @param pluginDefaults each plugin jar's {@code reference.conf}, unresolved: they add keys,
     *                       and a key the classpath's defaults set keeps its value
     */
    ConfigLoader(ClassLoader classLoader, List<Config> pluginDefaults) {
        this.classLoader = classLoader;
        this.pluginDefaults = List.copyOf(pluginDefaults);
    }

    /** The merged configuration, or the errors that stop it from being one. */
    record Result(Config config, List<ConfigError> errors) {
    }

    /**
     * @param flags config path to value, for each flag given; each keeps its flag as its origin
     * @param flagNames config path to the flag that sets it, for messages
     * @param file  the {@code --config} file, or null
     */
    Result load(Map<String, ?> flags, Map<String, String> flagNames, Path file) {
        List<ConfigError> errors = new ArrayList<>();
        // The resolved defaults name every known key; the unresolved ones are what the given
        // settings fall back on, so that reference.conf's own substitutions (etcd-members' seeds
        // are the static endpoints) see the flags and the file, not just other defaults.
        Config reference;
        Config unresolvedReference;
        try {
            unresolvedReference = ConfigFactory.defaultReferenceUnresolved(classLoader);
            for (Config plugin : pluginDefaults) {
                unresolvedReference = unresolvedReference.withFallback(plugin);
            }
            // As ConfigFactory.defaultReference builds it, with the plugins' defaults too.
            reference = ConfigFactory.systemProperties().withFallback(unresolvedReference).resolve();
        } catch (ConfigException e) {
            errors.add(new ConfigError("reference.conf", null, "valid defaults: " + e.getMessage(), null));
            return new Result(ConfigFactory.empty(), errors);
        }

        Config fromFlags = ConfigFactory.empty();
        for (Map.Entry<String, ?> flag : flags.entrySet()) {
            Config one = ConfigFactory.parseMap(Map.of(flag.getKey(), flag.getValue()), flagNames.get(flag.getKey()));
            fromFlags = one.withFallback(fromFlags);
        }

        Config fromFile = ConfigFactory.empty();
        if (file != null) {
            fromFile = parseFile(file, errors);
        }

        Config given = fromFlags.withFallback(fromFile);
        errors.addAll(unknownKeys(given, reference));
        if (!errors.isEmpty()) {
            return new Result(ConfigFactory.empty(), errors);
        }
        try {
            return new Result(given.withFallback(unresolvedReference).resolve(), List.of());
        } catch (ConfigException e) {
            errors.add(new ConfigError(file == null ? "configuration" : file.toString(), null,
                    "substitutions that resolve: " + e.getMessage(), null));
            return new Result(ConfigFactory.empty(), errors);
        }
    }

    /**
     * The value {@code path} has in {@code file} alone, for a setting that must be known before
     * the defaults can be read (the plugin directory, whose jars add defaults). Empty when the file
     * does not set it, or cannot be read or resolved: {@link #load} reports why.
     */
    static Optional<ConfigValue> valueInFile(Path file, String path) {
        List<ConfigError> errors = new ArrayList<>();
        Config fromFile = parseFile(file, errors);
        try {
            fromFile = fromFile.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
            return fromFile.hasPathOrNull(path) && fromFile.getValue(path).valueType() != ConfigValueType.NULL
                    ? Optional.of(fromFile.getValue(path))
                    : Optional.empty();
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    private static Config parseFile(Path file, List<ConfigError> errors) {
        String key = "--config";
        if (!Files.isRegularFile(file)) {
            errors.add(new ConfigError(key, file.toString(), "a HOCON file that exists", null));
            return ConfigFactory.empty();
        }
        if (!Files.isReadable(file)) {
            errors.add(new ConfigError(key, file.toString(), "a HOCON file this process may read", null));
            return ConfigFactory.empty();
        }
        try {
            return ConfigFactory.parseFile(new File(file.toString()), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            errors.add(new ConfigError(key, file.toString(), "valid HOCON: " + e.getMessage(), null));
            return ConfigFactory.empty();
        }
    }

    /** Every key given that no reference.conf defines, each with its nearest known key. */
    static List<ConfigError> unknownKeys(Config given, Config reference) {
        Set<String> known = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> entry : reference.entrySet()) {
            known.add(entry.getKey());
        }
        // Empty objects in reference.conf (a provider without settings) are known too.
        collectObjectPaths(reference, "", known);
        Map<String, ConfigValue> unknown = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : given.entrySet()) {
            if (!known.contains(entry.getKey()) && !reference.hasPathOrNull(entry.getKey())) {
                unknown.put(entry.getKey(), entry.getValue());
            }
        }
        List<ConfigError> errors = new ArrayList<>();
        unknown.forEach((path, value) -> {
            String expected = Suggestions.nearest(path, known)
                    .map(near -> "a known key; did you mean " + near + "?")
                    .orElse("a known key; every key is listed, with its default, in a reference.conf");
            String rendered = value.valueType() == ConfigValueType.STRING
                    ? (String) value.unwrapped()
                    : value.render(ConfigRenderOptions.concise());
            errors.add(new ConfigError(path + " (unknown key)", rendered, expected, SettingsReader.describeOrigin(value)));
        });
        return errors;
    }

    private static void collectObjectPaths(Config config, String prefix, Set<String> paths) {
        for (String key : config.root().keySet()) {
            String path = prefix.isEmpty() ? quoteIfNeeded(key) : prefix + "." + quoteIfNeeded(key);
            ConfigValue value = config.root().get(key);
            if (value instanceof com.typesafe.config.ConfigObject object) {
                paths.add(path);
                collectObjectPaths(object.toConfig(), path, paths);
            }
        }
    }

    private static String quoteIfNeeded(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
    }
}
