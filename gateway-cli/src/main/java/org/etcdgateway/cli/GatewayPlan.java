package org.etcdgateway.cli;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.Provider;
import org.etcdgateway.api.ProviderRegistry;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.DiscoveryRegistry;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.etcdgateway.api.policy.LoadBalancingPolicyProvider;
import org.etcdgateway.api.policy.PolicyRegistry;
import org.etcdgateway.api.transport.Transport;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.api.transport.TransportException;
import org.etcdgateway.api.transport.TransportProvider;
import org.etcdgateway.api.transport.TransportRegistry;

/**
 * The providers the configuration chose, each with its settings parsed and checked: everything
 * the gateway needs to be built, and nothing built yet. Parsing finds every error before any
 * socket is opened.
 */
record GatewayPlan(String discoveryName, Function<DiscoveryContext, EndpointDiscovery> discoveryFactory,
                   String policyName, Supplier<LoadBalancingPolicy> policyFactory,
                   String transportName, Function<TransportContext, Transport> transportFactory,
                   TransportReconfigurer transportReconfigurer, HostAndPort adminAddress) {

    /** Applies this plan's transport settings to a running transport (a reload). */
    @FunctionalInterface
    interface TransportReconfigurer {
        void reconfigure(Transport running, TransportContext context) throws TransportException;
    }

    /** The value of {@code gateway.admin.listen-addr} that turns the admin endpoint off. */
    static final String ADMIN_OFF = "off";

    /** The plan, or every error that stands in its way. */
    record Result(GatewayPlan plan, List<ConfigError> errors) {
    }

    static Result parse(Config config, DiscoveryRegistry discoveries, PolicyRegistry policies, TransportRegistry transports) {
        List<ConfigError> errors = new ArrayList<>();

        EndpointDiscoveryProvider<?> discovery = choose(config, "gateway.discovery", discoveries, errors);
        Function<DiscoveryContext, EndpointDiscovery> discoveryFactory =
                discovery == null ? null : discoveryFactory(discovery, config, errors);

        LoadBalancingPolicyProvider<?> policy = choose(config, "gateway.policy", policies, errors);
        Supplier<LoadBalancingPolicy> policyFactory = policy == null ? null : policyFactory(policy, config, errors);

        TransportProvider<?> transport = choose(config, "gateway.transport", transports, errors);
        TransportPlan transportPlan = transport == null ? null : transportPlan(transport, config, errors);

        HostAndPort adminAddress = adminAddress(config, errors);

        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        return new Result(new GatewayPlan(discovery.name(), discoveryFactory, policy.name(), policyFactory,
                transport.name(), transportPlan.factory(), transportPlan.reconfigurer(), adminAddress), List.of());
    }

    /** Where the admin endpoint listens, or null when it is off. */
    private static HostAndPort adminAddress(Config config, List<ConfigError> errors) {
        SettingsReader reader = SettingsReader.of(config, "gateway.admin");
        String text = reader.string("listen-addr");
        errors.addAll(reader.errors());
        if (!reader.errors().isEmpty() || text.equals(ADMIN_OFF)) {
            return null;
        }
        try {
            return HostAndPort.parse(text);
        } catch (AddressFormatException e) {
            errors.add(new ConfigError("gateway.admin.listen-addr", text, e.expected() + ", or " + ADMIN_OFF,
                    SettingsReader.describeOrigin(config.getValue("gateway.admin.listen-addr"))));
            return null;
        }
    }

    private static <P extends Provider> P choose(Config config, String spi, ProviderRegistry<P> registry, List<ConfigError> errors) {
        SettingsReader reader = SettingsReader.of(config, spi);
        String name = reader.string("provider");
        errors.addAll(reader.errors());
        if (!reader.errors().isEmpty()) {
            return null;
        }
        if (!registry.names().contains(name)) {
            errors.add(new ConfigError(spi + ".provider", name, registry.expectedNames(),
                    SettingsReader.describeOrigin(config.getValue(spi + ".provider"))));
            return null;
        }
        return registry.get(name);
    }

    private static <S> Function<DiscoveryContext, EndpointDiscovery> discoveryFactory(
            EndpointDiscoveryProvider<S> provider, Config config, List<ConfigError> errors) {
        return parsed(config, "gateway.discovery." + provider.name(), provider::parseSettings, errors,
                settings -> context -> provider.newDiscovery(settings, context));
    }

    private static <S> Supplier<LoadBalancingPolicy> policyFactory(
            LoadBalancingPolicyProvider<S> provider, Config config, List<ConfigError> errors) {
        return parsed(config, "gateway.policy." + provider.name(), provider::parseSettings, errors,
                settings -> () -> provider.newPolicy(settings));
    }

    /** How a transport is made from its parsed settings, and how they are applied to a running one. */
    private record TransportPlan(Function<TransportContext, Transport> factory, TransportReconfigurer reconfigurer) {
    }

    private static <S> TransportPlan transportPlan(TransportProvider<S> provider, Config config, List<ConfigError> errors) {
        return parsed(config, "gateway.transport." + provider.name(), provider::parseSettings, errors,
                settings -> new TransportPlan(context -> provider.newTransport(settings, context),
                        (running, context) -> provider.reconfigure(running, settings, context)));
    }

    /** A provider's settings parser, whichever SPI it serves. */
    @FunctionalInterface
    private interface SettingsParser<S> {
        S parse(SettingsReader settings) throws InvalidConfigException;
    }

    /** The factory made from the settings at {@code path}, or null with their errors added to {@code errors}. */
    private static <S, F> F parsed(Config config, String path, SettingsParser<S> parser, List<ConfigError> errors,
                                   Function<S, F> factory) {
        try {
            return factory.apply(parser.parse(SettingsReader.of(config, path)));
        } catch (InvalidConfigException e) {
            errors.addAll(e.errors());
            return null;
        }
    }
}
