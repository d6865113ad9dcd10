package org.etcdgateway.discovery.srv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.discovery.EndpointDiscoveryProvider;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code dns-srv}: the endpoints named by the SRV records {@code _etcd-client-ssl._tcp.<domain>}
 * (secure) and {@code _etcd-client._tcp.<domain>} (plain), as etcd's {@code --discovery-srv}
 * finds them, but looked up again when their TTL runs out rather than once at start-up, and with
 * {@code --trusted-ca-file} actually used to check each secure target.
 */
public final class DnsSrvDiscoveryProvider implements EndpointDiscoveryProvider<DnsSrvDiscoveryProvider.Settings> {

    /** The provider's name, also the prefix of its log lines ({@code discovery dns-srv: ...}). */
    public static final String NAME = "dns-srv";

    private static final int DEFAULT_DNS_PORT = 53;
    /** Letters, digits, '-' and '_' (SRV owner names use '_'), as host names are spelled. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?");

    /**
     * The dns-srv settings, every key of {@code gateway.discovery.dns-srv}.
     *
     * @param domain              the domain the records are under, without a trailing dot
     * @param serviceName         etcd's {@code --discovery-srv-name}; empty for none
     * @param dnsServers          the DNS servers to ask; empty for the system's resolvers. The
     *                            dns-srv provider resolves its targets' names there too
     * @param insecure            true to use plain targets too
     * @param trustedCaFile       when present, each secure target must pass a TLS handshake against these CAs
     * @param minimumTtl          the least time between two lookups
     * @param maximumTtl          the most time between two lookups
     * @param lookupTimeout       how long the query for one record name may take, over all servers
     * @param tlsHandshakeTimeout how long the TLS check of one target may take
     * @param records             which of etcd's SRV records: the members' client or peer addresses
     */
    public record Settings(String domain, String serviceName, List<HostAndPort> dnsServers, boolean insecure,
            Optional<TrustedCaFile> trustedCaFile, Duration minimumTtl, Duration maximumTtl, Duration lookupTimeout,
            Duration tlsHandshakeTimeout, Records records) {

        public Settings {
            Objects.requireNonNull(domain, "domain");
            if (domain.isEmpty()) {
                throw new IllegalArgumentException("domain: \"\" (expected: a domain, as in example.com)");
            }
            Objects.requireNonNull(serviceName, "serviceName");
            dnsServers = List.copyOf(dnsServers);
            Objects.requireNonNull(trustedCaFile, "trustedCaFile");
            Objects.requireNonNull(lookupTimeout, "lookupTimeout");
            Objects.requireNonNull(tlsHandshakeTimeout, "tlsHandshakeTimeout");
            Objects.requireNonNull(records, "records");
            if (minimumTtl.compareTo(maximumTtl) > 0) {
                throw new IllegalArgumentException("minimumTtl: " + Durations.format(minimumTtl)
                        + " (expected: at most maximumTtl, " + Durations.format(maximumTtl) + ")");
            }
        }

        /** {@code _etcd-client-ssl._tcp.<domain>}, or {@code _etcd-client-ssl-<name>._tcp.<domain>}: secure targets. */
        public String secureRecordName() {
            return recordName(records.service() + "-ssl");
        }

        /** {@code _etcd-client._tcp.<domain>}, or {@code _etcd-client-<name>._tcp.<domain>}: plain targets. */
        public String plainRecordName() {
            return recordName(records.service());
        }

        /** The same settings for the members' peer addresses ({@code _etcd-server-ssl}, {@code _etcd-server}). */
        public Settings forServerRecords() {
            return new Settings(domain, serviceName, dnsServers, insecure, trustedCaFile, minimumTtl, maximumTtl,
                    lookupTimeout, tlsHandshakeTimeout, Records.SERVER);
        }

        private String recordName(String service) {
            return DnsSrvDiscoveryProvider.recordName(service, serviceName, domain);
        }
    }

    /** Which of etcd's SRV records are looked up, as etcd names them. */
    public enum Records {
        /** {@code _etcd-client-ssl} and {@code _etcd-client}: where members serve clients. */
        CLIENT("_etcd-client"),
        /** {@code _etcd-server-ssl} and {@code _etcd-server}: where members serve their peers. */
        SERVER("_etcd-server");

        private final String service;

        Records(String service) {
            this.service = service;
        }

        String service() {
            return service;
        }
    }

    /**
     * A PEM file of CA certificates, read when the settings are parsed so that a bad file is a
     * start-up error rather than a refused target later.
     *
     * @param path         the file, for log lines
     * @param certificates at least one
     */
    public record TrustedCaFile(Path path, List<X509Certificate> certificates) {

        public TrustedCaFile {
            Objects.requireNonNull(path, "path");
            certificates = List.copyOf(certificates);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("certificates: [] (expected: at least one CA certificate from " + path + ")");
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Settings parseSettings(SettingsReader settings) throws InvalidConfigException {
        return parse(settings);
    }

    /**
     * Reads every key of a dns-srv subtree, wherever it sits (the etcd-members provider has one
     * for its seeds), and throws every problem at once. Reads the CA file; touches no network.
     */
    public static Settings parse(SettingsReader settings) throws InvalidConfigException {
        String domain = domain(settings);
        String serviceName = serviceName(settings);
        List<HostAndPort> dnsServers = dnsServers(settings);
        boolean insecure = settings.bool("insecure");
        Optional<TrustedCaFile> trustedCaFile = trustedCaFile(settings);
        Duration minimumTtl = settings.positiveDuration("min-ttl");
        Duration maximumTtl = settings.positiveDuration("max-ttl");
        Duration lookupTimeout = settings.positiveDuration("lookup-timeout");
        Duration tlsHandshakeTimeout = settings.positiveDuration("tls-handshake-timeout");
        if (minimumTtl.compareTo(maximumTtl) > 0) {
            settings.error("min-ttl", String.valueOf(settings.config().getValue("min-ttl").unwrapped()),
                    "at most max-ttl, " + Durations.format(maximumTtl));
        }
        if (!domain.isEmpty()) {
            checkRecordNames(settings, domain, serviceName);
        }
        settings.throwIfInvalid();
        return new Settings(domain, serviceName, dnsServers, insecure, trustedCaFile, minimumTtl, maximumTtl,
                lookupTimeout, tlsHandshakeTimeout, Records.CLIENT);
    }

    private static String domain(SettingsReader settings) {
        String text = settings.string("domain").trim();
        String domain = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (domain.isEmpty()) {
            if (settings.config().hasPath("domain")) {
                settings.error("domain", text, "a domain, as in example.com; set --discovery-srv");
            }
            return "";
        }
        for (String label : domain.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                settings.error("domain", text, "a domain name such as example.com: labels of letters, digits and '-',"
                        + " separated by single dots");
                return "";
            }
        }
        return domain;
    }

    private static String serviceName(SettingsReader settings) {
        String name = settings.string("service-name").trim();
        if (!name.isEmpty() && !LABEL.matcher(name).matches()) {
            settings.error("service-name", name, "one DNS label of letters, digits and '-', as in prod; or empty");
            return "";
        }
        return name;
    }

    /** What the DNS protocol limits beyond the spelling: 63 bytes a label, 255 a name. */
    private static void checkRecordNames(SettingsReader settings, String domain, String serviceName) {
        String longest = recordName("_etcd-client-ssl", serviceName, domain);
        try {
            Name.fromString(longest, Name.root);
        } catch (TextParseException e) {
            settings.error("domain", domain, "a domain short enough for the record name " + longest + " (" + e.getMessage() + ")");
        }
    }

    /** etcd's naming: {@code <service>[-<service name>]._tcp.<domain>}. */
    private static String recordName(String service, String serviceName, String domain) {
        return service + (serviceName.isEmpty() ? "" : "-" + serviceName) + "._tcp." + domain;
    }

    private static List<HostAndPort> dnsServers(SettingsReader settings) {
        List<HostAndPort> servers = new ArrayList<>();
        for (String text : settings.stringList("dns-servers")) {
            // A bare host, or a bracketed IPv6 address without a port, means port 53.
            boolean portGiven = text.startsWith("[") ? !text.endsWith("]") : text.contains(":");
            try {
                HostAndPort server = HostAndPort.parse(portGiven ? text : text + ":" + DEFAULT_DNS_PORT);
                if (server.port() == 0) {
                    settings.error("dns-servers", text, "a port from 1 to 65535, not 0");
                } else {
                    servers.add(server);
                }
            } catch (AddressFormatException e) {
                settings.error("dns-servers", text, "host:port or host (port 53), as in 127.0.0.1:5353: " + e.expected());
            }
        }
        return servers;
    }

    private static Optional<TrustedCaFile> trustedCaFile(SettingsReader settings) {
        String text = settings.string("trusted-ca-file").trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(text);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            settings.error("trusted-ca-file", text, "a readable PEM file of CA certificates; there is no such file");
            return Optional.empty();
        }
        try {
            List<X509Certificate> certificates = TlsHandshakeCheck.readCertificates(path);
            if (certificates.isEmpty()) {
                settings.error("trusted-ca-file", text, "a PEM file with at least one CA certificate; it holds none");
                return Optional.empty();
            }
            return Optional.of(new TrustedCaFile(path, certificates));
        } catch (IOException | CertificateException e) {
            settings.error("trusted-ca-file", text, "a PEM file of CA certificates; it cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public EndpointDiscovery newDiscovery(Settings settings, DiscoveryContext context) {
        // The transport resolves a name with the system's resolvers when it dials; with DNS servers
        // of their own, the targets are resolved there instead, as their SRV records are.
        SrvEndpointLookup.TargetHosts targetHosts = settings.dnsServers().isEmpty()
                ? SrvEndpointLookup.TargetHosts.NAMES
                : SrvEndpointLookup.TargetHosts.ADDRESSES;
        return new DnsSrvDiscovery(new SrvEndpointLookup(settings, targetHosts), context);
    }
}
