package org.etcdgateway.discovery.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.discovery.http.FakeHttpServer;
import org.etcdgateway.discovery.refresh.LogCapture;
import org.etcdgateway.discovery.refresh.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code data-dir}: the peer URLs saved in {@code <data-dir>/proxy/cluster} and read back on the next start, as etcd's proxy does. */
class EtcdPeersDataDirTest {

    private static final String PATH = "gateway.discovery.etcd-peers";
    private static final String DEAD_PEER = "http://127.0.0.1:1";

    @TempDir
    Path dataDir;

    private final EtcdPeersDiscoveryProvider provider = new EtcdPeersDiscoveryProvider();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<FakeHttpServer> servers = new ArrayList<>();
    private final List<List<Endpoint>> delivered = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(FakeHttpServer::close);
    }

    private Path clusterFile() {
        return dataDir.resolve("proxy").resolve("cluster");
    }

    private String clusterFileText() throws Exception {
        return Files.readString(clusterFile());
    }

    private void writeClusterFile(String text) throws Exception {
        Files.createDirectories(clusterFile().getParent());
        Files.writeString(clusterFile(), text);
    }

    private EtcdPeersDiscoveryProvider.Settings settings(String overrides) throws InvalidConfigException {
        return provider.parseSettings(SettingsReader.of(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseString(PATH + ".data-dir = \"" + dataDir + "\""))
                .withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve(), PATH));
    }

    private EtcdPeersDiscoveryProvider.Settings withInitialCluster(String peerUrl) throws InvalidConfigException {
        return settings(PATH + ".initial-cluster = \"a=" + peerUrl + "\"");
    }

    private FakeHttpServer peer() {
        FakeHttpServer peer = FakeHttpServer.start();
        servers.add(peer);
        return peer;
    }

    /** A {@code /members} answer: one member per peer URL, each serving clients on {@code clientUrl}. */
    private static FakeHttpServer.Answer members(String clientUrl, String... peerUrls) {
        List<String> members = new ArrayList<>();
        for (int index = 0; index < peerUrls.length; index++) {
            members.add("{\"id\":" + (index + 1) + ",\"name\":\"m" + index + "\",\"peerURLs\":[\"" + peerUrls[index]
                    + "\"],\"clientURLs\":[\"" + clientUrl + "\"]}");
        }
        return FakeHttpServer.Answer.json("[" + String.join(",", members) + "]").withHeader("X-Etcd-Cluster-ID", "cafe");
    }

    @Test
    void dataDirIsReadAndEmptyMeansNone() throws InvalidConfigException {
        assertThat(settings("").dataDir()).contains(dataDir);
        assertThat(settings(PATH + ".data-dir = \"\"").dataDir()).isEmpty();
    }

    @Test
    void thePeerUrlsAreSavedAfterStartSortedAsEtcdSavesThem() throws Exception {
        FakeHttpServer peer = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl(), "http://10.0.0.9:2380", "http://10.0.0.1:2380"));

        try (EndpointDiscovery discovery = provider.newDiscovery(withInitialCluster(peer.baseUrl()), scheduler.context());
             LogCapture log = LogCapture.of(ClusterFile.class)) {
            discovery.start(delivered::add);

            assertThat(log.messages()).containsExactly("discovery etcd-peers: peer URLs saved in " + clusterFile() + ": "
                    + List.of("http://10.0.0.1:2380", "http://10.0.0.9:2380", peer.baseUrl()));
        }
        assertThat(clusterFileText()).isEqualTo(
                "{\"PeerURLs\":[\"http://10.0.0.1:2380\",\"http://10.0.0.9:2380\",\"" + peer.baseUrl() + "\"]}");
        assertThat(delivered).containsExactly(List.of(Endpoint.of("127.0.0.1", 12379, "etcd-peers")));
        if (Files.getFileStore(dataDir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(clusterFile().getParent()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(clusterFile()))).isEqualTo("rw-------");
        }
        assertThat(Files.exists(clusterFile().resolveSibling("cluster.tmp"))).isFalse();
    }

    @Test
    void theNextStartAsksTheSavedPeersInsteadOfTheInitialCluster() throws Exception {
        FakeHttpServer peer = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl()));
        try (EndpointDiscovery first = provider.newDiscovery(withInitialCluster(peer.baseUrl()), scheduler.context())) {
            first.start(endpoints -> { });
        }

        // The peer the proxy was first given is gone; the saved one is still there.
        try (EndpointDiscovery second = provider.newDiscovery(withInitialCluster(DEAD_PEER), scheduler.context());
             LogCapture log = LogCapture.of(PeerListDiscovery.class);
             LogCapture saving = LogCapture.of(ClusterFile.class)) {
            second.start(delivered::add);

            assertThat(log.messages()).containsExactly(
                    "discovery etcd-peers: peer URLs from the cluster file " + clusterFile() + ": [" + peer.baseUrl() + "]",
                    "discovery etcd-peers: initial-cluster [" + DEAD_PEER + "] ignored, because the cluster file " + clusterFile()
                            + " exists (this proxy was started before); remove the file to use it");
            // Unchanged: not written again.
            assertThat(saving.messages()).isEmpty();
        }
        assertThat(delivered).containsExactly(List.of(Endpoint.of("127.0.0.1", 12379, "etcd-peers")));
        assertThat(peer.requestsFor("/members")).isEqualTo(2);
    }

    @Test
    void aSavedFileIsPreferredToADiscoveryUrlWhichIsNeverAsked() throws Exception {
        FakeHttpServer peer = peer();
        FakeHttpServer discoveryService = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl()));
        writeClusterFile("{\"PeerURLs\":[\"" + peer.baseUrl() + "\"]}");

        var settings = settings("gateway.discovery.discovery-url.url = \"" + discoveryService.baseUrl() + "/v2/keys/_etcd/registry/t\"");
        try (EndpointDiscovery discovery = provider.newDiscovery(settings, scheduler.context());
             LogCapture log = LogCapture.of(PeerListDiscovery.class)) {
            discovery.start(delivered::add);

            assertThat(log.messages()).last().asString().startsWith("discovery etcd-peers: the discovery URL "
                    + discoveryService.baseUrl() + "/v2/keys/_etcd/registry/t ignored, because the cluster file");
        }
        assertThat(discoveryService.requests()).isEmpty();
        assertThat(delivered).containsExactly(List.of(Endpoint.of("127.0.0.1", 12379, "etcd-peers")));
    }

    @Test
    void peersFoundThroughADiscoveryUrlAreSavedToo() throws Exception {
        FakeHttpServer peer = peer();
        FakeHttpServer discoveryService = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl()));
        String token = "/v2/keys/_etcd/registry/t";
        discoveryService.route(token + "/_config/size", FakeHttpServer.Answer.json(
                "{\"action\":\"get\",\"node\":{\"key\":\"/_etcd/registry/t/_config/size\",\"value\":\"1\",\"modifiedIndex\":4,\"createdIndex\":4}}"));
        discoveryService.route(token, FakeHttpServer.Answer.json("{\"action\":\"get\",\"node\":{\"key\":\"/_etcd/registry/t\",\"dir\":true,"
                + "\"nodes\":[{\"key\":\"/_etcd/registry/t/a0\",\"value\":\"m0=" + peer.baseUrl()
                + "\",\"modifiedIndex\":5,\"createdIndex\":5}],\"modifiedIndex\":4,\"createdIndex\":4}}"));

        var settings = settings("gateway.discovery.discovery-url.url = \"" + discoveryService.baseUrl() + token + "\"");
        try (EndpointDiscovery discovery = provider.newDiscovery(settings, scheduler.context())) {
            discovery.start(delivered::add);
        }
        assertThat(clusterFileText()).isEqualTo("{\"PeerURLs\":[\"" + peer.baseUrl() + "\"]}");
    }

    @Test
    void theFileIsRewrittenWhenThePeersChangeAndOnlyThen() throws Exception {
        FakeHttpServer peer = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl()));

        try (EndpointDiscovery discovery = provider.newDiscovery(withInitialCluster(peer.baseUrl()), scheduler.context());
             LogCapture log = LogCapture.of(ClusterFile.class)) {
            discovery.start(delivered::add);
            scheduler.runNext();
            assertThat(log.messages()).hasSize(1);

            // A member is added.
            peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl(), "http://10.0.0.2:2380"));
            scheduler.runNext();
            assertThat(clusterFileText()).isEqualTo("{\"PeerURLs\":[\"http://10.0.0.2:2380\",\"" + peer.baseUrl() + "\"]}");
            assertThat(log.messages()).hasSize(2).last().isEqualTo("discovery etcd-peers: peer URLs in " + clusterFile()
                    + " updated from [" + peer.baseUrl() + "] to [http://10.0.0.2:2380, " + peer.baseUrl() + "]");

            // A failed refresh leaves the file alone.
            peer.route("/members", FakeHttpServer.Answer.status(500, "down"));
            scheduler.runNext();
            assertThat(log.messages()).hasSize(2);
            assertThat(clusterFileText()).contains("http://10.0.0.2:2380");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "{\"PeerURLs\":[\"http://10.0.0.1:23",
            "{\"PeerURLs\":[\"http://10.0.0.1:2380\"]}}",
            "[\"http://10.0.0.1:2380\"]",
            "{\"peers\":[\"http://10.0.0.1:2380\"]}",
            "{\"PeerURLs\":[]}",
            "{\"PeerURLs\":\"http://10.0.0.1:2380\"}",
            "{\"PeerURLs\":[2380]}",
            "{\"PeerURLs\":[\"10.0.0.1:2380\"]}",
            "{\"PeerURLs\":[[\"http://10.0.0.1:2380\"]]}",
            "{\"PeerURLs\":[\"http://10.0.0.1:2380\"]} {}",
            "{\"PeerURLs\":[\"http://10.0.0.1:2380\"],\"PeerURLs\":null}",
            "{\"PeerURLs\":{\"PeerURLs\":[\"http://10.0.0.1:2380\"]}}",
            "{\"PeerURLs\":[\"http://10.0.0.1:2380\"]"})
    void aFileThatIsNotAClusterFileIsAStartupErrorNamingIt(String content) throws Exception {
        writeClusterFile(content);
        try (EndpointDiscovery discovery = provider.newDiscovery(withInitialCluster(DEAD_PEER), scheduler.context())) {
            assertThatThrownBy(() -> discovery.start(delivered::add))
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("the cluster file " + clusterFile() + " is not valid: ")
                    .hasMessageContaining("remove the file to start from the configured peer URLs");
        }
        // Left as it was, for the operator to look at.
        assertThat(clusterFileText()).isEqualTo(content);
    }

    @Test
    void fieldsOtherThanThePeerUrlsAreSkipped() throws Exception {
        FakeHttpServer peer = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl()));
        writeClusterFile("{ \"Other\": {\"PeerURLs\": [1]}, \"PeerURLs\" : [ \"" + peer.baseUrl() + "\" ], \"More\": [[]] }\n");

        try (EndpointDiscovery discovery = provider.newDiscovery(withInitialCluster(DEAD_PEER), scheduler.context())) {
            discovery.start(delivered::add);
        }
        assertThat(delivered).containsExactly(List.of(Endpoint.of("127.0.0.1", 12379, "etcd-peers")));
    }

    @Test
    void aFileThatCannotBeReadIsAStartupErrorNamingIt() throws Exception {
        Files.createDirectories(clusterFile());
        try (EndpointDiscovery discovery = provider.newDiscovery(withInitialCluster(DEAD_PEER), scheduler.context())) {
            assertThatThrownBy(() -> discovery.start(delivered::add))
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("cannot read the cluster file " + clusterFile());
        }
    }

    @Test
    void aTemporaryFileLeftByACrashIsIgnoredAndReplaced() throws Exception {
        FakeHttpServer peer = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl(), "http://10.0.0.2:2380"));
        writeClusterFile("{\"PeerURLs\":[\"" + peer.baseUrl() + "\"]}");
        Path leftover = clusterFile().resolveSibling("cluster.tmp");
        Files.writeString(leftover, "{\"PeerURLs\":[\"http://half-writ", StandardCharsets.UTF_8);

        try (EndpointDiscovery discovery = provider.newDiscovery(withInitialCluster(DEAD_PEER), scheduler.context())) {
            discovery.start(delivered::add);
        }
        assertThat(clusterFileText()).isEqualTo("{\"PeerURLs\":[\"http://10.0.0.2:2380\",\"" + peer.baseUrl() + "\"]}");
        assertThat(Files.exists(leftover)).isFalse();
    }

    @Test
    void aFileThatCannotBeWrittenIsLoggedAndTheProxyGoesOn() throws Exception {
        FakeHttpServer peer = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl()));
        Path notADirectory = dataDir.resolve("file");
        Files.writeString(notADirectory, "");
        var settings = settings(PATH + " { data-dir = \"" + notADirectory + "\", initial-cluster = \"a=" + peer.baseUrl() + "\" }");

        try (EndpointDiscovery discovery = provider.newDiscovery(settings, scheduler.context());
             LogCapture log = LogCapture.of(ClusterFile.class)) {
            discovery.start(delivered::add);

            assertThat(log.messages()).singleElement().asString().startsWith("discovery etcd-peers: cannot save the peer URLs ["
                    + peer.baseUrl() + "] in " + notADirectory.resolve("proxy").resolve("cluster") + ": ")
                    .endsWith("; going on without, trying again after the next answer");

            // Tried again after the next answer.
            scheduler.runNext();
            assertThat(log.messages()).hasSize(2);
        }
        assertThat(delivered).containsExactly(List.of(Endpoint.of("127.0.0.1", 12379, "etcd-peers")));
    }

    @Test
    void withoutADataDirNothingIsWritten() throws Exception {
        FakeHttpServer peer = peer();
        peer.route("/members", members("http://127.0.0.1:12379", peer.baseUrl()));
        var settings = settings(PATH + " { data-dir = \"\", initial-cluster = \"a=" + peer.baseUrl() + "\" }");
        assertThat(settings.dataDir()).isEqualTo(Optional.empty());

        try (EndpointDiscovery discovery = provider.newDiscovery(settings, scheduler.context())) {
            discovery.start(delivered::add);
        }
        try (var files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }
}
