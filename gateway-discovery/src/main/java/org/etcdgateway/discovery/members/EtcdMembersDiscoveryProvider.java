package org.etcdgateway.discovery.members;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.etcdgateway.discovery.srv.DnsSrvDiscoveryProvider;
import org.etcdgateway.discovery.srv.SrvEndpointLookup;
import org.etcdgateway.discovery.statics.EndpointList;

/**
 * {@code etcd-members}: the cluster's own member list, read every sync interval through etcd's
 * JSON gateway ({@code POST /v3/cluster/member/list}, etcd 3.4 and later), so that a member added
 * with {@code etcdctl member add} gets traffic once it has started, and a removed one gets no new
 * connections, without a restart. The first endpoints to ask (the seeds) come from a static list
 * or from DNS SRV records.
 *
 * <p>Members that have not started yet (no client URLs) and learners (which refuse clients'
 * requests) get no traffic. Secure endpoints are asked over {@code https://}, trusting the JVM's
 * default trust store, or the dns-srv seed's {@code trusted-ca-file} when it has one.
 */
public final class EtcdMembersDiscoveryProvider implements EndpointDiscoveryProvider<EtcdMembersDiscoveryProvider.Settings> {

    /** The provider's name, also the prefix of its log lines ({@code discovery etcd-members: ...}). */
    public static final String NAME = "etcd-members";

    private static final String STATIC_SEED = "static";
    private static final String DNS_SRV_SEED = DnsSrvDiscoveryProvider.NAME;

    /**
     * Every key of {@code gateway.discovery.etcd-members}.
     *
     * @param seed           where the first endpoints to ask come from
     * @param syncInterval   how often the member list is read
     * @param requestTimeout how long one member-list request may take
     */
    public record Settings(Seed seed, Duration syncInterval, Duration requestTimeout) {

        public Settings {
            Objects.requireNonNull(seed, "seed");
            Objects.requireNonNull(syncInterval, "syncInterval");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }
    }

    /** Where the first endpoints to ask for the member list come from. */
    public sealed interface Seed permits StaticSeed, DnsSrvSeed {
    }

    /** {@code seed = static}: the listed endpoints ({@code --endpoints}). */
    public record StaticSeed(List<Endpoint> endpoints) implements Seed {

        public StaticSeed {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints: [] (expected: at least one seed endpoint)");
            }
        }
    }

    /**
     * {@code seed = dns-srv}: the targets of SRV records, looked up as the dns-srv provider looks
     * them up ({@code --discovery-srv}); its {@code trusted-ca-file}, when set, is also what
     * {@code https://} member-list requests are checked against.
     */
    public record DnsSrvSeed(DnsSrvDiscoveryProvider.Settings settings) implements Seed {

        public DnsSrvSeed {
            Objects.requireNonNull(settings, "settings");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Settings parseSettings(SettingsReader settings) throws InvalidConfigException {
        String seedName = settings.string("seed");
        Duration syncInterval = settings.positiveDuration("sync-interval");
        Duration requestTimeout = settings.positiveDuration("request-timeout");
        Seed seed = null;
        List<ConfigError> seedErrors = new ArrayList<>();
        switch (seedName) {
            case STATIC_SEED -> seed = new StaticSeed(EndpointList.read(settings, "endpoints", NAME));
            case DNS_SRV_SEED -> {
                Optional<SettingsReader> subtree = dnsSrvSubtree(settings);
                if (subtree.isPresent()) {
                    try {
                        seed = new DnsSrvSeed(DnsSrvDiscoveryProvider.parse(subtree.get()));
                    } catch (InvalidConfigException e) {
                        seedErrors.addAll(e.errors());
                    }
                }
            }
            default -> {
                // A missing or non-string seed is already an error of its own.
                if (settings.errors().stream().noneMatch(error -> error.path().equals(settings.pathOf("seed")))) {
                    settings.error("seed", seedName, STATIC_SEED + " or " + DNS_SRV_SEED);
                }
            }
        }
        List<ConfigError> errors = new ArrayList<>(settings.errors());
        errors.addAll(seedErrors);
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
        return new Settings(seed, syncInterval, requestTimeout);
    }

    /** The {@code dns-srv} subtree, read as the dns-srv provider reads its own; empty, with an error, when it is not an object. */
    private static Optional<SettingsReader> dnsSrvSubtree(SettingsReader settings) {
        String key = DNS_SRV_SEED;
        if (settings.config().hasPath(key) && settings.config().getValue(key).valueType() == ConfigValueType.OBJECT) {
            return Optional.of(new SettingsReader(settings.config().getConfig(key), settings.pathOf(key)));
        }
        settings.error(key, settings.config().hasPathOrNull(key)
                        ? settings.config().getValue(key).render(ConfigRenderOptions.concise()) : null,
                "an object with the dns-srv settings (domain, dns-servers, ...)");
        return Optional.empty();
    }

    @Override
    public EndpointDiscovery newDiscovery(Settings settings, DiscoveryContext context) {
        Seeds seeds;
        List<X509Certificate> trusted = List.of();
        if (settings.seed() instanceof DnsSrvSeed dnsSrv) {
            seeds = new SrvSeeds(new SrvEndpointLookup(dnsSrv.settings()));
            trusted = dnsSrv.settings().trustedCaFile().map(DnsSrvDiscoveryProvider.TrustedCaFile::certificates).orElse(List.of());
        } else {
            seeds = new StaticSeeds(((StaticSeed) settings.seed()).endpoints());
        }
        return new EtcdMembersDiscovery(seeds, new JsonHttpClient(settings.requestTimeout(), trusted), settings.syncInterval(),
                context);
    }

    private record StaticSeeds(List<Endpoint> endpoints) implements Seeds {

        @Override
        public String describe() {
            return endpoints.stream().map(Endpoint::authority).collect(Collectors.joining(", "));
        }
    }

    private record SrvSeeds(SrvEndpointLookup lookup) implements Seeds {

        @Override
        public List<Endpoint> endpoints() throws Exception {
            return lookup.lookup().endpoints();
        }

        @Override
        public String describe() {
            return lookup.describeSource();
        }
    }
}
