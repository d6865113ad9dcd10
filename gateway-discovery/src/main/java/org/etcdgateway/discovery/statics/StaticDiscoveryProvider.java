package org.etcdgateway.discovery.statics;

import java.util.List;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;

/**
 * {@code static}: the endpoints listed in the configuration ({@code --endpoints}), as etcd's
 * gateway takes them. Host names stay names; they are resolved each time they are dialled.
 */
public final class StaticDiscoveryProvider implements EndpointDiscoveryProvider<StaticDiscoveryProvider.Settings> {

    static final String SOURCE = "static";

    /** @param endpoints non-empty, without duplicates, in the order given */
    public record Settings(List<Endpoint> endpoints) {
        public Settings {
            endpoints = List.copyOf(endpoints);
        }
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public Settings parseSettings(SettingsReader settings) throws InvalidConfigException {
        List<Endpoint> endpoints = EndpointList.read(settings, "endpoints", SOURCE);
        settings.throwIfInvalid();
        return new Settings(endpoints);
    }

    @Override
    public EndpointDiscovery newDiscovery(Settings settings, DiscoveryContext context) {
        return new StaticDiscovery(settings.endpoints());
    }
}
