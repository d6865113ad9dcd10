package org.etcdgateway.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * An etcd discovery service on loopback, as discovery.etcd.io is one: a single etcd member with
 * the v2 API, whose directory {@code _etcd/registry/<token>} holds a cluster's size and its
 * members' registrations. Keys are written with plain v2 HTTP requests, as etcd's
 * {@code --discovery} writes them.
 */
final class EtcdDiscoveryService implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();

    private final EtcdCluster etcd;

    private EtcdDiscoveryService(EtcdCluster etcd) {
        this.etcd = etcd;
    }

    /** Starts the service's etcd and waits until it is healthy. */
    static EtcdDiscoveryService start() {
        return new EtcdDiscoveryService(EtcdCluster.startWithV2Api(1));
    }

    /**
     * A new token whose cluster is to have {@code size} members, as discovery.etcd.io's
     * {@code /new?size=} makes one: the key {@code _config/size}.
     *
     * @return the discovery URL, {@code http://127.0.0.1:<port>/v2/keys/_etcd/registry/<token>}
     */
    String newToken(int size) {
        String url = urlOf(UUID.randomUUID().toString().replace("-", ""));
        put(url + "/_config/size", Integer.toString(size));
        return url;
    }

    /** The discovery URL of {@code token}, whether the token exists or not. */
    String urlOf(String token) {
        return "http://" + etcd.clientEndpoint(0) + "/v2/keys/_etcd/registry/" + token;
    }

    /**
     * Registers a member as etcd does when it starts with {@code --discovery}: the key
     * {@code <token>/<member ID in hex>}, created once, with the member's
     * {@code --initial-cluster} entry, {@code name=peerURL}, as its value.
     */
    void register(String discoveryUrl, MemberId id, String name, String peerUrl) {
        put(discoveryUrl + "/" + id + "?prevExist=false", name + "=" + peerUrl);
    }

    private static void put(String url, String value) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("value=" + URLEncoder.encode(value, StandardCharsets.UTF_8)))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && response.statusCode() != 201) {
                throw new AssertionError("PUT " + url + " value=" + value + " answered " + response.statusCode() + ": "
                        + response.body());
            }
        } catch (IOException e) {
            throw new AssertionError("PUT " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during PUT " + url, e);
        }
    }

    /** The service's etcd log, for failure messages. */
    String logTails() {
        return etcd.logTails();
    }

    @Override
    public void close() {
        etcd.close();
    }
}
