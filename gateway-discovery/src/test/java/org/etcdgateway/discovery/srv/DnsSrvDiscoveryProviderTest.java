package org.etcdgateway.discovery.srv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsSrvDiscoveryProviderTest {

    private static final String PATH = "gateway.discovery.dns-srv";
    /** A self-signed CA certificate; only parsed here, never used for a handshake. */
    static final String CA_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBlTCCATugAwIBAgIUBPwLlVrVIIxCy9vshZu2eU05iBYwCgYIKoZIzj0EAwIw
            HzEdMBsGA1UEAwwUZG5zLXNydiB1bml0IHRlc3QgQ0EwIBcNMjYxMTIxMTIyNDUz
            WhgPMjEyNjEwMjgxMjI0NTNaMB8xHTAbBgNVBAMMFGRucy1zcnYgdW5pdCB0ZXN0
            IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDgDGq73WkqigC8oQpnJhONeW
            gi6Mn3b8J9COm75cR1GsaLbqg+yPsoCXVr4iTz57DPB72H5eKmlKce1zIGl4ZqNT
            MFEwHQYDVR0OBBYEFDfyu38sHyqD4HA2dya8WQbVF+L5MB8GA1UdIwQYMBaAFDfy
            u38sHyqD4HA2dya8WQbVF+L5MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
            SAAwRQIhAP1PEUFkh0fqITzQFrxwBahUTa011+Yu8i7KZA1XiO3JAiABL1SlQj5a
            1YgrF217RYvza7BNFU0fD6en/RrAktEJ4w==
            -----END CERTIFICATE-----
            """;

    private final DnsSrvDiscoveryProvider provider = new DnsSrvDiscoveryProvider();

    /** {@code hocon} over the defaults of reference.conf, as the gateway merges them. */
    static DnsSrvDiscoveryProvider.Settings parse(String hocon) throws InvalidConfigException {
        var config = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
        return new DnsSrvDiscoveryProvider().parseSettings(SettingsReader.of(config, PATH));
    }

    private static InvalidConfigException refused(String hocon) {
        InvalidConfigException refusal = catchThrowableOfType(InvalidConfigException.class, () -> parse(hocon));
        assertThat(refusal).as("the refusal of %s", hocon).isNotNull();
        return refusal;
    }

    @Test
    void isFoundByTheServiceLoaderUnderItsName() {
        var registry = new DiscoveryRegistry(getClass().getClassLoader());

        assertThat(registry.names()).contains("dns-srv");
        assertThat(provider.name()).isEqualTo("dns-srv");
    }

    @Test
    void theDefaultsNeedOnlyADomain() throws InvalidConfigException {
        var settings = parse(PATH + ".domain = example.com");

        assertThat(settings.domain()).isEqualTo("example.com");
        assertThat(settings.serviceName()).isEmpty();
        assertThat(settings.dnsServers()).isEmpty();
        assertThat(settings.insecure()).isFalse();
        assertThat(settings.trustedCaFile()).isEmpty();
        assertThat(settings.minimumTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maximumTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.lookupTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void withoutADomainSaysWhichFlagSetsIt() {
        assertThatThrownBy(() -> parse(""))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path, ConfigError::expected)
                        .containsExactly(tuple(PATH + ".domain",
                                "a domain, as in example.com; set --discovery-srv")));
    }

    @Test
    void recordNamesAreEtcds() throws InvalidConfigException {
        var settings = parse(PATH + ".domain = \"example.com.\"");

        assertThat(settings.secureRecordName()).isEqualTo("_etcd-client-ssl._tcp.example.com");
        assertThat(settings.plainRecordName()).isEqualTo("_etcd-client._tcp.example.com");
    }

    @Test
    void aServiceNameGoesAfterTheServiceAsInEtcd() throws InvalidConfigException {
        var settings = parse(PATH + " { domain = example.com, service-name = prod }");

        assertThat(settings.secureRecordName()).isEqualTo("_etcd-client-ssl-prod._tcp.example.com");
        assertThat(settings.plainRecordName()).isEqualTo("_etcd-client-prod._tcp.example.com");
    }

    @Test
    void dnsServersTakePort53UnlessOneIsGiven() throws InvalidConfigException {
        var settings = parse(PATH + " { domain = example.com, dns-servers = [\"10.0.0.53\", \"127.0.0.1:5353\", \"[::1]\","
                + " \"[::1]:5300\", ns.example.com] }");

        assertThat(settings.dnsServers()).containsExactly(new HostAndPort("10.0.0.53", 53), new HostAndPort("127.0.0.1", 5353),
                new HostAndPort("::1", 53), new HostAndPort("::1", 5300), new HostAndPort("ns.example.com", 53));
    }

    @Test
    void dnsServersAlsoComeAsOneCommaSeparatedFlag() throws InvalidConfigException {
        var settings = parse(PATH + " { domain = example.com, dns-servers = \"127.0.0.1:5353,127.0.0.2\" }");

        assertThat(settings.dnsServers()).containsExactly(new HostAndPort("127.0.0.1", 5353), new HostAndPort("127.0.0.2", 53));
    }

    @Test
    void readsTheCertificatesOfTheTrustedCaFile(@TempDir Path directory) throws IOException, InvalidConfigException {
        Path file = Files.writeString(directory.resolve("ca.pem"), CA_CERTIFICATE, StandardCharsets.US_ASCII);

        var settings = parse(PATH + " { domain = example.com, trusted-ca-file = \"" + file + "\" }");

        assertThat(settings.trustedCaFile()).hasValueSatisfying(trusted -> {
            assertThat(trusted.path()).isEqualTo(file);
            assertThat(trusted.certificates()).singleElement()
                    .satisfies(certificate -> assertThat(certificate.getSubjectX500Principal().getName()).contains("dns-srv unit test CA"));
        });
    }

    @Test
    void reportsEveryBadValueAtOnce(@TempDir Path directory) {
        Path missing = directory.resolve("missing.pem");

        InvalidConfigException e = refused(PATH + " { domain = \"\", dns-servers = [\"127.0.0.1:x\", \"::1\"],"
                + " trusted-ca-file = \"" + missing + "\", min-ttl = 10m, max-ttl = 1m, lookup-timeout = 0s,"
                + " insecure = maybe, service-name = \"a.b\" }");

        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                PATH + ".domain", PATH + ".service-name", PATH + ".dns-servers", PATH + ".dns-servers", PATH + ".insecure",
                PATH + ".trusted-ca-file", PATH + ".lookup-timeout", PATH + ".min-ttl");
        assertThat(e.errors()).extracting(ConfigError::value)
                .contains("127.0.0.1:x", "::1", missing.toString(), "10m", "a.b", "maybe");
        assertThat(e.getMessage())
                .contains("set --discovery-srv")
                .contains("at most max-ttl, 1m0s")
                .contains("there is no such file");
    }

    @Test
    void aCaFileWithoutACertificateIsRefused(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("empty.pem"), "not a certificate\n", StandardCharsets.US_ASCII);

        InvalidConfigException e = refused(PATH + " { domain = example.com, trusted-ca-file = \"" + file + "\" }");

        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.path()).isEqualTo(PATH + ".trusted-ca-file");
            assertThat(error.expected()).containsIgnoringCase("certificate");
        });
    }

    @Test
    void aDomainThatIsNotADomainIsRefused() {
        InvalidConfigException e = refused(PATH + ".domain = \"https://example.com\"");

        assertThat(e.errors()).singleElement().extracting(ConfigError::value).isEqualTo("https://example.com");
    }

    @Test
    void aDomainTooLongForDnsIsRefused() {
        String label = "a".repeat(63);
        String domain = String.join(".", label, label, label, label);

        InvalidConfigException e = refused(PATH + ".domain = \"" + domain + "\"");

        assertThat(e.errors()).singleElement().satisfies(error -> assertThat(error.expected()).contains("short enough"));
    }

    @Test
    void parseServesOtherProvidersWithADnsSrvSubtreeOfTheirOwn() throws InvalidConfigException {
        var config = ConfigFactory.parseString("seeds.dns-srv { domain = example.org, insecure = true }")
                .withFallback(ConfigFactory.parseString("seeds.dns-srv = ${gateway.discovery.dns-srv}"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();

        var settings = DnsSrvDiscoveryProvider.parse(SettingsReader.of(config, "seeds.dns-srv"));

        assertThat(settings.plainRecordName()).isEqualTo("_etcd-client._tcp.example.org");
        assertThat(settings.insecure()).isTrue();
    }
}
