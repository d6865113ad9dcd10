package org.etcdgateway.discovery.statics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.SettingsReader;

/**
 * Reads a configured list of endpoints the way {@code --endpoints} takes them, for every provider
 * that has one: the static provider's endpoints and the etcd-members provider's seeds.
 */
public final class EndpointList {

    private EndpointList() {
    }

    /**
     * The endpoints at {@code key}, a list or one comma-separated string, in the order given and
     * without duplicates. Records an error in {@code settings} for each item that is not an
     * endpoint, and one for an empty list.
     *
     * @param source what the endpoints are marked as coming from, e.g. {@code static}
     */
    public static List<Endpoint> read(SettingsReader settings, String key, String source) {
        int errorsBefore = settings.errors().size();
        List<String> texts = settings.stringList(key);
        Set<Endpoint> endpoints = new LinkedHashSet<>();
        for (String text : texts) {
            try {
                endpoints.add(Endpoint.parse(text, source));
            } catch (AddressFormatException e) {
                settings.error(key, e.text(), e.expected());
            }
        }
        if (texts.isEmpty() && settings.errors().size() == errorsBefore) {
            settings.error(key, "", "at least one endpoint, as in 127.0.0.1:2379");
        }
        return new ArrayList<>(endpoints);
    }
}
