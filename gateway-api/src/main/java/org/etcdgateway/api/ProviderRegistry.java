package org.etcdgateway.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The providers of one SPI, found with {@link ServiceLoader} and keyed by {@link Provider#name()}.
 *
 * <p>Providers are ordered by priority (highest first), then by class name, so that the choice
 * between two providers of one name does not depend on classpath order. Unavailable providers
 * are left out.
 *
 * <p>A provider is installed either on the classpath or as a jar in the gateway's plugin
 * directory ({@code --plugin-dir}), where each jar has a class loader of its own. On the classpath
 * a provider may replace another of the same name with a higher {@link Provider#priority()}; from
 * the plugin directory a provider adds a name and may not take one that is already taken.
 *
 * @param <P> the SPI's provider type
 */
public class ProviderRegistry<P extends Provider> {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final Class<P> type;
    private final String kind;
    private final Map<String, P> byName;

    /**
     * Loads every provider of {@code type} that {@code classLoader} can see.
     *
     * @param kind what one provider is called in messages, e.g. {@code "policy"}
     * @throws IllegalStateException when a provider cannot be loaded or has an invalid name
     */
    protected ProviderRegistry(Class<P> type, String kind, ClassLoader classLoader) {
        this(type, kind, load(type, kind, classLoader));
    }

    /** A registry of exactly these providers, for tests and for embedding. */
    protected ProviderRegistry(Class<P> type, String kind, List<? extends P> providers) {
        this.type = Objects.requireNonNull(type, "type");
        this.kind = Objects.requireNonNull(kind, "kind");
        List<P> sorted = new ArrayList<>();
        for (P provider : providers) {
            if (!isValidName(provider.name())) {
                throw new IllegalStateException(kind + " provider " + provider.getClass().getName()
                        + " has the name \"" + provider.name() + "\" (expected: [a-z][a-z0-9-]*)");
            }
            if (provider.isAvailable()) {
                sorted.add(provider);
            }
        }
        sorted.sort(Comparator.<P>comparingInt(Provider::priority).reversed()
                .thenComparing(provider -> provider.getClass().getName()));
        Map<String, P> map = new LinkedHashMap<>();
        for (P provider : sorted) {
            map.putIfAbsent(provider.name(), provider);
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** Whether {@code name} may name a provider: lower case, {@code [a-z][a-z0-9-]*}. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static <P extends Provider> List<P> load(Class<P> type, String kind, ClassLoader classLoader) {
        List<P> providers = new ArrayList<>();
        try {
            for (P provider : ServiceLoader.load(type, classLoader)) {
                providers.add(provider);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("could not load a " + kind + " provider: " + e.getMessage(), e);
        }
        return providers;
    }

    /**
     * The provider of that name.
     *
     * @throws UnknownProviderException listing the names there are and how to add one
     */
    public P get(String name) {
        P provider = byName.get(name);
        if (provider == null) {
            throw new UnknownProviderException(unknownNameMessage(name));
        }
        return provider;
    }

    /** The names of the available providers, highest priority first. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** The available providers, one per name, highest priority first. */
    public List<P> providers() {
        return List.copyOf(byName.values());
    }

    /** What went wrong when {@code name} is not here, and what the user can do about it. */
    public String unknownNameMessage(String name) {
        return "unknown " + kind + " \"" + name + "\" (expected: " + expectedNames() + ")";
    }

    /**
     * The names that would have been accepted and how to add another: {@code one of a, b, c; to
     * add one, ...}. Names the missing module when there are none at all.
     */
    public String expectedNames() {
        String available = byName.isEmpty()
                ? "a " + kind + ", but none is installed: is the module that provides them missing from the classpath?"
                : "one of " + String.join(", ", byName.keySet());
        return available + "; to add a " + kind + ", put a jar with an implementation of " + type.getName()
                + " and a META-INF/services/" + type.getName() + " file naming it on the classpath or in the plugin directory"
                + " (--plugin-dir)";
    }
}
