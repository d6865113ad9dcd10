package org.etcdgateway.discovery.peers;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.etcdgateway.discovery.srv.DnsSrvDiscoveryProvider;
import org.etcdgateway.discovery.url.DiscoveryUrlDiscoveryProvider;
import org.etcdgateway.discovery.url.PeerMembersDiscovery;

/**
 * {@code etcd-peers}: the members' client URLs, found as etcd's v2 proxy finds them. The peer
 * URLs come from the first of these that is set: a discovery URL, SRV records of the members'
 * peer addresses ({@code _etcd-server-ssl._tcp}, {@code _etcd-server._tcp}), the initial
 * cluster, else etcd's defaults; the client URLs then come from {@code GET <peer URL>/members},
 * asked again every refresh interval. With a data directory the peer URLs are saved in its
 * cluster file, which the next start reads in preference to all of these, as etcd's proxy does.
 */
public final class EtcdPeersDiscoveryProvider implements EndpointDiscoveryProvider<EtcdPeersDiscoveryProvider.Settings> {

    /** The provider's name. */
    public static final String NAME = "etcd-peers";

    /** Where the peer URLs come from: one of the records below. */
    public sealed interface PeerSource permits DiscoveryUrl, ServerRecords, PeerUrls {
    }

    /** @param settings the discovery-url provider's settings: it does the whole job */
    public record DiscoveryUrl(DiscoveryUrlDiscoveryProvider.Settings settings) implements PeerSource {
    }

    /** @param settings SRV settings for the members' peer records */
    public record ServerRecords(DnsSrvDiscoveryProvider.Settings settings) implements PeerSource {
    }

    /**
     * @param urls   the peer URLs
     * @param origin where they were set, for log lines: {@code initial-cluster} or {@code default-peer-urls}
     */
    public record PeerUrls(List<String> urls, String origin) implements PeerSource {
        public PeerUrls {
            urls = List.copyOf(urls);
            Objects.requireNonNull(origin, "origin");
        }
    }

    /**
     * @param source          where the peer URLs come from, unless the cluster file of {@code dataDir} exists
     * @param dataDir         etcd's {@code --data-dir}: the peer URLs are saved in {@code <dataDir>/proxy/cluster}
     *                        and read from there on the next start; empty for no saving
     * @param refreshInterval how often the client URLs are read again
     * @param requestTimeout  how long one request to a peer may take
     */
    public record Settings(PeerSource source, Optional<Path> dataDir, Duration refreshInterval, Duration requestTimeout) {
        public Settings {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(dataDir, "dataDir");
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
        Duration refreshInterval = settings.positiveDuration("refresh-interval");
        Duration requestTimeout = settings.positiveDuration("request-timeout");
        PeerSource source = parseSource(settings);
        Optional<Path> dataDir = parseDataDir(settings);
        settings.throwIfInvalid();
        return new Settings(source, dataDir, refreshInterval, requestTimeout);
    }

    private static Optional<Path> parseDataDir(SettingsReader settings) {
        String text = settings.string("data-dir").strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            settings.error("data-dir", text, "a directory path (" + e.getReason() + ")");
            return Optional.empty();
        }
    }

    /** etcd's order: discovery URL, then discovery SRV, then the initial cluster, then the defaults. */
    private static PeerSource parseSource(SettingsReader settings) {
        SettingsReader discoveryUrl = subtree(settings, "discovery-url");
        if (!discoveryUrl.string("url").isBlank()) {
            try {
                return new DiscoveryUrl(new DiscoveryUrlDiscoveryProvider().parseSettings(discoveryUrl));
            } catch (InvalidConfigException e) {
                e.errors().forEach(error -> settings.error(relative(settings, error.path()), error.value(), error.expected()));
                return null;
            }
        }
        SettingsReader discoverySrv = subtree(settings, "discovery-srv");
        if (!discoverySrv.string("domain").isBlank()) {
            try {
                return new ServerRecords(DnsSrvDiscoveryProvider.parse(discoverySrv).forServerRecords());
            } catch (InvalidConfigException e) {
                e.errors().forEach(error -> settings.error(relative(settings, error.path()), error.value(), error.expected()));
                return null;
            }
        }
        String initialCluster = settings.string("initial-cluster").strip();
        if (!initialCluster.isEmpty()) {
            List<String> urls = parseInitialCluster(initialCluster);
            if (urls.isEmpty()) {
                settings.error("initial-cluster", initialCluster,
                        "name=url pairs, comma-separated, as in infra0=http://10.0.1.10:2380,infra1=http://10.0.1.11:2380");
                return null;
            }
            return new PeerUrls(urls, "initial-cluster");
        }
        List<String> defaults = settings.stringList("default-peer-urls");
        for (String url : defaults) {
            if (!isPeerUrl(url)) {
                settings.error("default-peer-urls", url, "an http:// or https:// URL with a host");
            }
        }
        return new PeerUrls(defaults, "default-peer-urls");
    }

    /**
     * The URLs of etcd's {@code --initial-cluster}: {@code name=url[,name=url...]}, where a member
     * with several peer URLs is named once per URL. Empty when the text is not of that form.
     */
    static List<String> parseInitialCluster(String text) {
        List<String> urls = new ArrayList<>();
        for (String pair : text.split(",", -1)) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                return List.of();
            }
            String url = pair.substring(equals + 1).strip();
            if (!isPeerUrl(url)) {
                return List.of();
            }
            if (!urls.contains(url)) {
                urls.add(url);
            }
        }
        return urls;
    }

    static boolean isPeerUrl(String text) {
        try {
            URI url = new URI(text);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && url.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static SettingsReader subtree(SettingsReader settings, String key) {
        boolean present = settings.config().hasPath(key);
        return new SettingsReader(present ? settings.config().getConfig(key) : ConfigFactory.empty(), settings.pathOf(key));
    }

    /** A key below this provider's subtree, from an error another provider's parser reported with its full path. */
    private static String relative(SettingsReader settings, String fullPath) {
        String prefix = settings.path() + ".";
        return fullPath.startsWith(prefix) ? fullPath.substring(prefix.length()) : fullPath;
    }

    /**
     * With a data directory, as etcd's proxy: when its cluster file exists, the peer URLs saved
     * there are asked instead of the configured source; either way the peer URLs of each good
     * answer are saved there.
     */
    @Override
    public EndpointDiscovery newDiscovery(Settings settings, DiscoveryContext context) {
        if (settings.dataDir().isEmpty()) {
            return fromSource(settings, context);
        }
        ClusterFile clusterFile = new ClusterFile(settings.dataDir().get());
        PeerMembersDiscovery discovery = clusterFile.mayExist()
                ? PeerListDiscovery.fromClusterFile(settings, clusterFile, new JsonHttpClient(settings.requestTimeout()), context)
                : fromSource(settings, context);
        discovery.listenForPeerUrls(clusterFile);
        return discovery;
    }

    private static PeerMembersDiscovery fromSource(Settings settings, DiscoveryContext context) {
        if (settings.source() instanceof DiscoveryUrl discoveryUrl) {
            DiscoveryUrlDiscoveryProvider.Settings own = discoveryUrl.settings();
            return new DiscoveryUrlDiscoveryProvider().newDiscovery(new DiscoveryUrlDiscoveryProvider.Settings(
                    own.url(), own.pollInterval(), own.waitTimeout(), settings.refreshInterval(), settings.requestTimeout()), context);
        }
        return PeerListDiscovery.fromSource(settings, new JsonHttpClient(settings.requestTimeout()), context);
    }
}
