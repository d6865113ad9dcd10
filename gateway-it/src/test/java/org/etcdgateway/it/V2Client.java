package org.etcdgateway.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small client of etcd's v2 HTTP API, on {@code java.net.http}: the requests curl or an old
 * client library would send, form-encoded bodies included. Bounded: a request that has no
 * complete response in 5 seconds fails.
 */
final class V2Client {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;
    private final String baseUrl;

    private V2Client(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A client of {@code baseUrl}, {@code http://host:port}: a proxy or a member. */
    static V2Client of(String baseUrl) {
        return new V2Client(baseUrl);
    }

    /** {@code name=value&...}, URL-encoded, from names and values in turn. */
    static String form(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs: " + List.of(namesAndValues));
        }
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            pairs.add(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return String.join("&", pairs);
    }

    V2Response get(String path) {
        return send("GET", path, null);
    }

    /** PUT with a form body {@code value=<value>}. */
    V2Response put(String path, String value) {
        return send("PUT", path, form("value", value));
    }

    V2Response delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * Sends {@code method path} with {@code form} as an {@code application/x-www-form-urlencoded}
     * body (none when null) and reads the whole response.
     *
     * @throws AssertionError when there is no complete response within the request timeout
     */
    V2Response send(String method, String path, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT);
        if (form == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, List<String>> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            return new V2Response(response.statusCode(), headers, response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + baseUrl + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + method + " " + baseUrl + path, e);
        }
    }

    @Override
    public String toString() {
        return "v2 client of " + baseUrl;
    }
}
