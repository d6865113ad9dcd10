package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in test: one list of requests, sent to etcd's own v2 proxy and to the gateway's, each
 * in a key directory of its own, gets the same status codes, content types and JSON bodies from
 * both. Values that must differ between two runs (raft indexes, timestamps, remaining TTLs) are
 * masked; everything else a client could read is compared. One difference is wanted: etcd's
 * proxy repeats its CORS headers, the gateway's must not.
 */
@Timeout(60)
class V2ProxyParityTest {

    @RegisterExtension
    static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = EtcdClusterExtension.withV2Api(DIAGNOSTICS);

    /** Stands for the proxy's own key directory in every request and every response. */
    private static final String PREFIX = "{prefix}";
    private static final List<String> MASKED_FIELDS = List.of("modifiedIndex", "createdIndex", "index", "expiration", "ttl");
    /** A POST makes an in-order key named after the raft index: {@code /queue/00000000000000000042}. */
    private static final Pattern IN_ORDER_KEY = Pattern.compile("/\\d{20}$");
    /** A failed {@code prevIndex} comparison names both indexes: {@code [1 != 8]}. */
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    /** Read by clients: the cluster ID as is, the index headers by their presence (their values differ). */
    private static final List<String> COMPARED_HEADERS = List.of("content-type", "x-etcd-cluster-id", "allow");
    private static final List<String> PRESENT_HEADERS = List.of("x-etcd-index", "x-raft-index", "x-raft-term");
    /** etcd's proxy sends its CORS headers and the member's, each value twice; compared as sets of values. */
    private static final List<String> CORS_HEADERS = List.of(
            "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers");

    private static final List<Request> REQUESTS = List.of(
            new Request("PUT", "/v2/keys{prefix}/a", "value=1"),
            new Request("GET", "/v2/keys{prefix}/a", null),
            new Request("PUT", "/v2/keys{prefix}/a", "value=2"),
            new Request("PUT", "/v2/keys{prefix}/a?prevValue=2", "value=3"),
            new Request("PUT", "/v2/keys{prefix}/a?prevValue=nope", "value=4"),
            new Request("PUT", "/v2/keys{prefix}/a?prevIndex=1", "value=4"),
            new Request("PUT", "/v2/keys{prefix}/a?prevExist=false", "value=5"),
            new Request("DELETE", "/v2/keys{prefix}/a?prevValue=nope", null),
            new Request("DELETE", "/v2/keys{prefix}/a?prevValue=3", null),
            new Request("GET", "/v2/keys{prefix}/missing", null),
            new Request("PUT", "/v2/keys{prefix}/t?ttl=abc", "value=x"),
            new Request("PUT", "/v2/keys{prefix}/t?ttl=100", "value=x"),
            new Request("HEAD", "/v2/keys{prefix}/t", null),
            new Request("PUT", "/v2/keys{prefix}/dir/x", "value=1"),
            new Request("PUT", "/v2/keys{prefix}/dir/y/z", "value=2"),
            new Request("PUT", "/v2/keys{prefix}/dir/empty?dir=true", null),
            new Request("GET", "/v2/keys{prefix}/dir?sorted=true", null),
            new Request("GET", "/v2/keys{prefix}/dir?recursive=true&sorted=true", null),
            new Request("PUT", "/v2/keys{prefix}/dir", "value=not-a-file"),
            new Request("DELETE", "/v2/keys{prefix}/dir", null),
            new Request("DELETE", "/v2/keys{prefix}/dir?dir=true", null),
            new Request("DELETE", "/v2/keys{prefix}/dir?recursive=true", null),
            new Request("POST", "/v2/keys{prefix}/queue", "value=first"),
            new Request("GET", "/v2/keys{prefix}/queue?recursive=true&sorted=true", null),
            new Request("PATCH", "/v2/keys{prefix}/t", "value=y"),
            new Request("OPTIONS", "/v2/keys{prefix}/t", null),
            new Request("GET", "/version", null),
            new Request("GET", "/health", null),
            new Request("GET", "/v2/members", null),
            new Request("GET", "/v2/machines", null),
            // etcd's proxy sets no Content-Type here, so Go sniffs "text/plain; charset=utf-8" for
            // a JSON body; the gateway says application/json. No client reads it; the body is compared.
            new Request("GET", "/v2/config/local/proxy", null).withoutContentType(),
            new Request("GET", "/no-such-path", null));

    @TempDir
    Path etcdDataDirectory;
    @TempDir
    Path gatewayDataDirectory;

    @Test
    void theGatewaysProxyAnswersAsEtcdsOwnProxyDoes() {
        List<String> flags = List.of("--proxy", "on", "--initial-cluster", CLUSTER.cluster().initialCluster());
        List<Normalized> etcd;
        List<Normalized> gateway;
        List<String> repeatedHeaders = new ArrayList<>();
        try (V2Proxy proxy = V2ProxyKind.ETCD.start(etcdDataDirectory, flags)) {
            DIAGNOSTICS.forTest("etcd's proxy", proxy::output);
            etcd = sendAll(proxy, "/it-v2/parity/etcd", new ArrayList<>());
        }
        try (V2Proxy proxy = V2ProxyKind.GATEWAY.start(gatewayDataDirectory, flags)) {
            DIAGNOSTICS.forTest("the gateway's proxy", proxy::output);
            gateway = sendAll(proxy, "/it-v2/parity/gateway", repeatedHeaders);
        }

        List<String> differences = new ArrayList<>();
        for (int i = 0; i < REQUESTS.size(); i++) {
            if (!etcd.get(i).equals(gateway.get(i))) {
                differences.add(REQUESTS.get(i) + "\n    etcd:    " + etcd.get(i) + "\n    gateway: " + gateway.get(i));
            }
        }
        assertThat(differences).as("requests the two proxies answer differently").isEmpty();
        assertThat(repeatedHeaders).as("headers the gateway's proxy sent twice (etcd's proxy repeats its CORS headers)")
                .isEmpty();
    }

    /** Sends every request in {@code prefix}; adds to {@code repeatedHeaders} any header a response repeats. */
    private static List<Normalized> sendAll(V2Proxy proxy, String prefix, List<String> repeatedHeaders) {
        V2Client client = V2Client.of(proxy.url());
        List<Normalized> answers = new ArrayList<>();
        for (Request request : REQUESTS) {
            V2Response response = client.send(request.method(), request.path().replace(PREFIX, prefix), request.form());
            answers.add(normalize(request, response, prefix));
            response.headers().forEach((name, values) -> {
                if (values.size() > 1) {
                    repeatedHeaders.add(request + ": " + name + " " + values);
                }
            });
        }
        return answers;
    }

    private static Normalized normalize(Request request, V2Response response, String prefix) {
        List<String> headers = new ArrayList<>();
        for (String name : COMPARED_HEADERS) {
            if (request.comparesContentType() || !name.equals("content-type")) {
                headers.add(name + ": " + response.header(name).orElse("(none)"));
            }
        }
        for (String name : PRESENT_HEADERS) {
            headers.add(name + (response.header(name).isPresent() ? ": (present)" : ": (none)"));
        }
        for (String name : CORS_HEADERS) {
            headers.add(name + ": " + new TreeSet<>(response.headers().getOrDefault(name, List.of())));
        }
        String body = response.body().replace(prefix, PREFIX);
        boolean json = response.header("content-type").map(type -> type.startsWith("application/json")).orElse(false)
                || body.startsWith("{");
        return new Normalized(response.status(), headers, json && !body.isEmpty() ? mask(V2Response.parse(body)).toString() : body);
    }

    /** The tree with what must differ between two runs replaced by placeholders. */
    private static JsonNode mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String field : MASKED_FIELDS) {
                if (object.has(field)) {
                    object.put(field, "{" + field + "}");
                }
            }
            if (object.path("key").isTextual()) {
                object.put("key", IN_ORDER_KEY.matcher(object.path("key").asText()).replaceAll("/{in-order}"));
            }
            if (object.path("errorCode").asInt() == 101 && object.path("cause").isTextual()) {
                object.put("cause", NUMBER.matcher(object.path("cause").asText()).replaceAll("{number}"));
            }
            if (object.path("endpoints").isArray()) {
                // etcd's proxy shuffles its endpoints; the set is what is compared.
                List<JsonNode> endpoints = new ArrayList<>();
                object.path("endpoints").forEach(endpoints::add);
                endpoints.sort((left, right) -> left.asText().compareTo(right.asText()));
                ArrayNode sorted = object.putArray("endpoints");
                endpoints.forEach(sorted::add);
            }
            object.properties().forEach(field -> mask(field.getValue()));
        } else if (node instanceof ArrayNode array) {
            array.forEach(V2ProxyParityTest::mask);
        }
        return node;
    }

    /**
     * @param comparesContentType false where etcd's Content-Type is an accident the gateway does
     *                            not copy
     */
    private record Request(String method, String path, String form, boolean comparesContentType) {

        Request(String method, String path, String form) {
            this(method, path, form, true);
        }

        Request withoutContentType() {
            return new Request(method, path, form, false);
        }

        @Override
        public String toString() {
            return method + " " + path + (form == null ? "" : " (" + form + ")");
        }
    }

    /**
     * A response as the comparison sees it.
     *
     * @param headers the compared headers, {@code name: value}
     * @param body    JSON with the run's values masked, or the body's text as it came
     */
    private record Normalized(int status, List<String> headers, String body) {

        @Override
        public String toString() {
            return status + " " + headers + " " + body.strip();
        }
    }
}
