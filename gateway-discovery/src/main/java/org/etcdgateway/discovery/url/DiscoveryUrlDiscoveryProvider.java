package org.etcdgateway.discovery.url;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.etcdgateway.discovery.http.JsonHttpClient;

/**
 * {@code discovery-url}: the cluster an etcd discovery URL describes ({@code --discovery}), found
 * with etcd's v2 discovery protocol. Start-up waits until the discovery URL lists the whole
 * cluster; the endpoints are then the client URLs that the members' peer URLs give
 * ({@link PeerMembersClient}), read again every refresh interval.
 *
 * <p>{@code https://} discovery and peer URLs are checked against the JVM's default trust store;
 * no client certificate is sent, so peers that require one ({@code --peer-client-cert-auth}) do
 * not answer.
 */
public final class DiscoveryUrlDiscoveryProvider implements EndpointDiscoveryProvider<DiscoveryUrlDiscoveryProvider.Settings> {

    /** The provider's name, also the prefix of its log lines ({@code discovery discovery-url: ...}). */
    public static final String NAME = "discovery-url";

    private static final String EXPECTED_URL =
            "an http:// or https:// URL with a host and the token's path, as in https://discovery.etcd.io/<token>";

    /**
     * Every key of {@code gateway.discovery.discovery-url}.
     *
     * @param url             the token directory, without a trailing slash
     * @param pollInterval    how often the discovery URL is read while the cluster is not complete
     * @param waitTimeout     how long start-up waits for a complete cluster; zero for ever
     * @param refreshInterval how often the client URLs are read again
     * @param requestTimeout  how long one HTTP request may take
     */
    public record Settings(URI url, Duration pollInterval, Duration waitTimeout, Duration refreshInterval, Duration requestTimeout) {

        public Settings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(waitTimeout, "waitTimeout");
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Settings parseSettings(SettingsReader settings) throws InvalidConfigException {
        String text = settings.string("url").strip();
        URI url = parseUrl(text);
        if (url == null && settings.errors().isEmpty()) {
            settings.error("url", text, EXPECTED_URL);
        }
        Duration pollInterval = settings.positiveDuration("poll-interval");
        Duration waitTimeout = settings.nonNegativeDuration("wait-timeout");
        Duration refreshInterval = settings.positiveDuration("refresh-interval");
        Duration requestTimeout = settings.positiveDuration("request-timeout");
        settings.throwIfInvalid();
        return new Settings(url, pollInterval, waitTimeout, refreshInterval, requestTimeout);
    }

    /** The URL without a trailing slash, or null when it is not a discovery URL. */
    private static URI parseUrl(String text) {
        String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        try {
            URI url = new URI(trimmed);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            boolean valid = (scheme.equals("http") || scheme.equals("https"))
                    && url.getHost() != null
                    && url.getRawPath() != null && !url.getRawPath().isEmpty()
                    && url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null;
            return valid ? url : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    @Override
    public PeerMembersDiscovery newDiscovery(Settings settings, DiscoveryContext context) {
        return new DiscoveryUrlDiscovery(settings, new JsonHttpClient(settings.requestTimeout()), context);
    }
}
