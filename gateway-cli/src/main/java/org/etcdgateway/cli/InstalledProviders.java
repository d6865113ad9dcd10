package org.etcdgateway.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.etcdgateway.api.Provider;
import org.etcdgateway.api.ProviderRegistry;
import org.etcdgateway.api.discovery.DiscoveryRegistry;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;
import org.etcdgateway.api.policy.PolicyRegistry;
import org.etcdgateway.api.transport.TransportProvider;
import org.etcdgateway.api.transport.TransportRegistry;

/**
 * Every provider the configuration may choose: the classpath's, by priority as the registries
 * order them, and the plugin directory's, which add names and never take one.
 */
record InstalledProviders(DiscoveryRegistry discoveries, PolicyRegistry policies, TransportRegistry transports) {

    /**
     * The registries, and every name a plugin took again: such a provider is left out, so that
     * the rest of the configuration can still be checked, and the errors stop the start.
     */
    record Result(InstalledProviders providers, List<String> errors) {
    }

    /**
     * The classpath's providers and the plugins'.
     *
     * @throws IllegalStateException when a provider on the classpath cannot be loaded
     */
    static Result load(ClassLoader classLoader, List<PluginJar> plugins) {
        DiscoveryRegistry discoveries = new DiscoveryRegistry(classLoader);
        PolicyRegistry policies = new PolicyRegistry(classLoader);
        TransportRegistry transports = new TransportRegistry(classLoader);
        if (plugins.isEmpty()) {
            return new Result(new InstalledProviders(discoveries, policies, transports), List.of());
        }
        List<String> errors = new ArrayList<>();
        List<EndpointDiscoveryProvider<?>> allDiscoveries = joined(ProviderKind.DISCOVERY, discoveries, plugins, errors);
        List<LoadBalancingPolicyProvider<?>> allPolicies = joined(ProviderKind.POLICY, policies, plugins, errors);
        List<TransportProvider<?>> allTransports = joined(ProviderKind.TRANSPORT, transports, plugins, errors);
        return new Result(new InstalledProviders(new DiscoveryRegistry(allDiscoveries), new PolicyRegistry(allPolicies),
                new TransportRegistry(allTransports)), errors);
    }

    /** The classpath's providers of one kind and every plugin's, with an error for each name a plugin takes again. */
    @SuppressWarnings("unchecked")
    private static <P extends Provider> List<P> joined(ProviderKind kind, ProviderRegistry<P> classpath, List<PluginJar> plugins,
                                                       List<String> errors) {
        List<P> joined = new ArrayList<>(classpath.providers());
        Map<String, String> owners = new HashMap<>();
        for (P provider : classpath.providers()) {
            owners.put(provider.name(), "the built-in " + kind.word() + " of that name (" + provider.getClass().getName()
                    + ", on the classpath)");
        }
        for (PluginJar jar : plugins) {
            for (Provider provider : jar.providers().getOrDefault(kind, List.of())) {
                String owner = owners.putIfAbsent(provider.name(), "the " + kind.word() + " of that name in plugin jar "
                        + jar.path() + " (" + provider.getClass().getName() + ")");
                if (owner != null) {
                    errors.add(PluginJar.error(jar.path(), kind.word() + " \"" + provider.name() + "\" ("
                            + provider.getClass().getName() + ") clashes with " + owner,
                            "a " + kind.word() + " name no other provider has; a plugin adds a " + kind.word()
                                    + ", it cannot replace one"));
                    continue;
                }
                // The plugin jar loaded it as a provider of this kind's interface.
                joined.add((P) provider);
            }
        }
        return joined;
    }
}
