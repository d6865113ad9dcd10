package org.etcdgateway.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One response of the v2 API, read to its end.
 *
 * @param status  the status code
 * @param headers every header, names in lower case
 * @param body    the body as text; empty for none
 */
record V2Response(int status, Map<String, List<String>> headers, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    V2Response {
        headers = Map.copyOf(headers);
    }

    /** The first value of header {@code name}, if there is one. */
    Optional<String> header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream().findFirst();
    }

    /** The body as a JSON tree; fails the test with the body when it is no JSON. */
    JsonNode json() {
        return parse(body);
    }

    /** {@code text} as a JSON tree; fails the test with the text when it is no JSON. */
    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("no JSON: " + text, e);
        }
    }

    /** {@code node.value} of a keys response. */
    String nodeValue() {
        return json().path("node").path("value").asText();
    }

    /** The v2 error code of an error response, or -1. */
    int errorCode() {
        return json().path("errorCode").asInt(-1);
    }

    @Override
    public String toString() {
        return status + " " + headers + " " + body;
    }
}
