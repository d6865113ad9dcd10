package org.etcdgateway.discovery.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Objects;

/**
 * What a server answered to one request.
 *
 * @param method  the request's method, for messages
 * @param uri     where the request went
 * @param status  the HTTP status code
 * @param headers the answer's headers (looked up without regard to case)
 * @param body    the answer's body as text
 */
public record HttpAnswer(String method, URI uri, int status, HttpHeaders headers, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Enough of a body to recognise it in a log line, not so much that one line becomes a page. */
    private static final int BODY_EXCERPT_LENGTH = 120;

    public HttpAnswer {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /**
     * The body as JSON, when the status is 200.
     *
     * @throws BadAnswerException naming the request and the status, or what is wrong with the JSON
     */
    public JsonNode okJson() throws BadAnswerException {
        if (status != 200) {
            throw new BadAnswerException(request() + " answered " + describeStatus());
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? "" : " (at line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            throw new BadAnswerException(request() + " answered with a body that is not JSON" + where + ": " + excerpt(body));
        }
    }

    /**
     * The status, with etcd's own error message when the body carries one: {@code 404 (Key not
     * found: /_etcd/registry/x)} from the v2 keys API, {@code 400 (...)} from the v3 JSON gateway.
     */
    public String describeStatus() {
        String text = "status " + status;
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.path("message").isTextual()) {
                String cause = error.path("cause").asText("");
                return text + " (" + error.path("message").asText() + (cause.isEmpty() ? "" : ": " + cause) + ")";
            }
        } catch (JsonProcessingException e) {
            // Not etcd's JSON error: the body itself says more.
        }
        return body.isBlank() ? text : text + ": " + excerpt(body);
    }

    /** {@code GET http://host/path}: the request, for messages. */
    public String request() {
        return method + " " + uri;
    }

    /** The start of a body on one line, for messages. */
    public static String excerpt(String body) {
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= BODY_EXCERPT_LENGTH ? oneLine : oneLine.substring(0, BODY_EXCERPT_LENGTH) + "...";
    }
}
