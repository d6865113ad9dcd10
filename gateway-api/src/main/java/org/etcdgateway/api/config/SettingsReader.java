package org.etcdgateway.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One provider's configuration subtree, read value by value with every error collected.
 *
 * <p>A provider's settings parser reads each value it needs; a value that is missing or wrong is
 * recorded and a placeholder returned, so the parser goes on and finds the next problem too.
 * Before it builds its settings value the parser calls {@link #throwIfInvalid()}:
 *
 * <pre>{@code
 * Duration timeout = settings.positiveDuration("timeout");
 * List<String> names = settings.stringList("names");
 * settings.throwIfInvalid();
 * return new MySettings(timeout, names);
 * }</pre>
 */
public final class SettingsReader {

    private final Config config;
    private final String path;
    private final List<ConfigError> errors = new ArrayList<>();

    /**
     * @param config the subtree at {@code path} (an empty config when the file has none)
     * @param path   the subtree's full path, used to name keys in errors, e.g. {@code gateway.policy.my-policy}
     */
    public SettingsReader(Config config, String path) {
        this.config = Objects.requireNonNull(config, "config");
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The subtree of {@code path} in {@code root}, empty when {@code root} has none. */
    public static SettingsReader of(Config root, String path) {
        Config subtree = root.hasPath(path) ? root.getConfig(path) : ConfigFactory.empty();
        return new SettingsReader(subtree, path);
    }

    /** The raw subtree, for what the typed readers here do not cover. */
    public Config config() {
        return config;
    }

    /** The subtree's full path. */
    public String path() {
        return path;
    }

    /** The full path of a key in this subtree. */
    public String pathOf(String key) {
        return path + "." + key;
    }

    /** A string value; records an error and returns "" when it is missing or not a string. */
    public String string(String key) {
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            return "";
        }
        ConfigValueType type = value.get().valueType();
        if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST || type == ConfigValueType.NULL) {
            error(key, render(value.get()), "a string");
            return "";
        }
        return String.valueOf(value.get().unwrapped());
    }

    /**
     * A list of strings, written either as a HOCON list or as one comma-separated string (as
     * etcd's flags take lists). Blank items are errors. Records an error and returns an empty
     * list when the value is missing or of another type.
     */
    public List<String> stringList(String key) {
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        switch (value.get().valueType()) {
            case LIST -> {
                for (Object item : (List<?>) value.get().unwrapped()) {
                    if (item instanceof List<?> || item instanceof java.util.Map<?, ?> || item == null) {
                        error(key, render(value.get()), "a list of strings");
                        return List.of();
                    }
                    items.add(String.valueOf(item).trim());
                }
            }
            case STRING, NUMBER, BOOLEAN -> {
                String text = String.valueOf(value.get().unwrapped());
                for (String item : text.split(",", -1)) {
                    items.add(item.trim());
                }
            }
            default -> {
                error(key, render(value.get()), "a list of strings or a comma-separated string");
                return List.of();
            }
        }
        if (items.stream().anyMatch(String::isEmpty)) {
            error(key, render(value.get()), "a list without empty items");
            return List.of();
        }
        return List.copyOf(items);
    }

    /** A whole number from {@code min} to {@code max}; records an error and returns {@code min} otherwise. */
    public int integer(String key, int min, int max) {
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            return min;
        }
        String expected = "a whole number from " + min + " to " + max;
        Object raw = value.get().unwrapped();
        long number;
        try {
            number = raw instanceof Number n && !(raw instanceof Double) ? n.longValue() : Long.parseLong(String.valueOf(raw).trim());
        } catch (NumberFormatException e) {
            error(key, render(value.get()), expected);
            return min;
        }
        if (number < min || number > max) {
            error(key, render(value.get()), expected);
            return min;
        }
        return (int) number;
    }

    /** {@code true}/{@code false} (also {@code yes}/{@code no}, {@code on}/{@code off}); records an error otherwise. */
    public boolean bool(String key) {
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            return false;
        }
        try {
            return config.getBoolean(key);
        } catch (ConfigException.WrongType e) {
            error(key, render(value.get()), "true or false");
            return false;
        }
    }

    /**
     * A duration longer than zero, in HOCON's or Go's spelling (see {@link Durations}); records an
     * error and returns one second otherwise.
     */
    public Duration positiveDuration(String key) {
        return duration(key, false);
    }

    /** A duration of zero or more; records an error and returns zero otherwise. */
    public Duration nonNegativeDuration(String key) {
        return duration(key, true);
    }

    private Duration duration(String key, boolean zeroAllowed) {
        Duration fallback = zeroAllowed ? Duration.ZERO : Duration.ofSeconds(1);
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            return fallback;
        }
        String expected = Durations.EXPECTED + (zeroAllowed ? ", 0 or more" : ", more than 0");
        ConfigValueType type = value.get().valueType();
        if (type != ConfigValueType.STRING && type != ConfigValueType.NUMBER) {
            error(key, render(value.get()), expected);
            return fallback;
        }
        Optional<Duration> duration = Durations.parse(String.valueOf(value.get().unwrapped()));
        if (duration.isEmpty() || duration.get().isNegative() || (!zeroAllowed && duration.get().isZero())) {
            error(key, render(value.get()), expected);
            return fallback;
        }
        return duration.get();
    }

    /** Records an error about {@code key}, with where its value was set when it has one. */
    public void error(String key, String value, String expected) {
        String origin = null;
        if (config.hasPathOrNull(key)) {
            origin = describeOrigin(config.getValue(key));
        }
        errors.add(new ConfigError(pathOf(key), value, expected, origin));
    }

    /** The errors recorded so far. */
    public List<ConfigError> errors() {
        return List.copyOf(errors);
    }

    /** Throws every recorded error at once; returns quietly when there are none. */
    public void throwIfInvalid() throws InvalidConfigException {
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
    }

    private Optional<ConfigValue> value(String key) {
        if (!config.hasPathOrNull(key)) {
            errors.add(new ConfigError(pathOf(key), null, "a value; every key has a default in reference.conf", null));
            return Optional.empty();
        }
        return Optional.of(config.getValue(key));
    }

    private static String render(ConfigValue value) {
        if (value.valueType() == ConfigValueType.STRING) {
            return (String) value.unwrapped();
        }
        return value.render(com.typesafe.config.ConfigRenderOptions.concise());
    }

    /** Where a value came from, in a form an operator recognises: a flag, or a file and line. */
    public static String describeOrigin(ConfigValue value) {
        var origin = value.origin();
        if (origin.filename() != null) {
            return origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
        }
        if (origin.resource() != null) {
            return origin.resource() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
        }
        return origin.description();
    }
}
