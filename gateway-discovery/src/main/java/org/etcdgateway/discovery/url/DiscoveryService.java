package org.etcdgateway.discovery.url;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.etcdgateway.discovery.http.BadAnswerException;
import org.etcdgateway.discovery.http.HttpAnswer;
import org.etcdgateway.discovery.http.JsonHttpClient;

/**
 * An etcd discovery URL, read as etcd's {@code --discovery} reads it: the URL is a directory of
 * the v2 keys API (on discovery.etcd.io, or on any etcd with {@code --enable-v2}).
 * {@code GET <url>/_config/size} gives the size, {@code {"node":{"value":"3",..}}};
 * {@code GET <url>} lists the registered members, {@code {"node":{"nodes":[{"key":"<url path>/<id>",
 * "value":"name=http://10.0.0.1:2380","createdIndex":7,..},..]}}} ({@code _config} is hidden
 * from the listing by the v2 store, and skipped here should a server show it).
 */
final class DiscoveryService {

    private static final String CONFIG_KEY = "_config";

    private final URI url;
    private final JsonHttpClient http;

    /** @param url the token directory, without a trailing slash */
    DiscoveryService(URI url, JsonHttpClient http) {
        this.url = Objects.requireNonNull(url, "url");
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * The size and the registrations, as they are now.
     *
     * @throws IOException        when the service cannot be reached or answers with a server error
     *                            (5xx): worth asking again
     * @throws BadAnswerException when it answers what the protocol does not allow (another error
     *                            status, not JSON, no size, a bad registration): asking again will
     *                            not help
     */
    Registrations read() throws IOException, InterruptedException, BadAnswerException {
        JsonNode sizeNode = okJson(http.get(URI.create(url + "/" + CONFIG_KEY + "/size")), "; does the token exist, with its size set?");
        int size = size(sizeNode.path("node").path("value"));
        JsonNode directory = okJson(http.get(url), "; does the token exist?").path("node");
        JsonNode nodes = directory.path("nodes");
        if (!nodes.isMissingNode() && !nodes.isArray()) {
            throw new BadAnswerException("GET " + url + " answered \"nodes\" that is not a list: not an etcd v2 keys directory");
        }
        List<Registrations.Registration> registered = new ArrayList<>();
        for (JsonNode node : nodes) {
            String key = node.path("key").asText("");
            if (key.substring(key.lastIndexOf('/') + 1).equals(CONFIG_KEY) || node.path("dir").asBoolean(false)) {
                continue;
            }
            if (!node.path("value").isTextual()) {
                throw new BadAnswerException("GET " + url + " answered the member key \"" + key + "\" without a value");
            }
            registered.add(new Registrations.Registration(key, node.path("createdIndex").asLong(0), node.path("value").asText()));
        }
        return new Registrations(size, registered);
    }

    private int size(JsonNode value) throws BadAnswerException {
        String text = value.asText("").strip();
        try {
            int size = Integer.parseInt(text);
            if (size >= 1) {
                return size;
            }
        } catch (NumberFormatException e) {
            // Said below, with the value.
        }
        throw new BadAnswerException("GET " + url + "/" + CONFIG_KEY + "/size answered the size \""
                + (value.isMissingNode() ? "" : value.asText()) + "\" (expected: a whole number, 1 or more, in node.value)");
    }

    private static JsonNode okJson(HttpAnswer answer, String hintWhenNotFound) throws IOException, BadAnswerException {
        if (answer.status() >= 500) {
            throw new IOException(answer.request() + " answered " + answer.describeStatus());
        }
        if (answer.status() == 404) {
            throw new BadAnswerException(answer.request() + " answered " + answer.describeStatus() + hintWhenNotFound);
        }
        JsonNode json = answer.okJson();
        if (!json.isObject()) {
            throw new BadAnswerException(answer.request() + " answered " + HttpAnswer.excerpt(answer.body())
                    + ", which is not an etcd v2 keys answer");
        }
        return json;
    }
}
