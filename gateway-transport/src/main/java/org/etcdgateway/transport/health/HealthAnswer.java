package org.etcdgateway.transport.health;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * How etcd's answer to {@code GET /health} reads. etcd 3.4 answers {@code 200 {"health":"true"}}
 * when the member can serve, and {@code 503 {"health":"false"}} (from 3.5 with a
 * {@code "reason"}) when it has no leader, has an alarm or cannot commit in time.
 */
final class HealthAnswer {

    /** Enough of a body to tell what it is, short enough for a log line. */
    private static final int EXCERPT_CHARACTERS = 200;
    /** Strict: trailing data or a second {@code health} field makes the answer not etcd's. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private HealthAnswer() {
    }

    /**
     * Healthy only when {@code status} is 200 and {@code body} is a JSON object whose
     * {@code health} is {@code "true"}, as etcd writes it, or {@code true}. The reason names the
     * status and the start of the body either way: {@code GET /health answered 503:
     * {"health":"false","reason":"RAFT NO LEADER"}}.
     */
    static HealthResult judge(int status, byte[] body) {
        String reason = "GET /health answered " + status + excerpt(body);
        return status == 200 && saysHealthy(body) ? HealthResult.healthy(reason) : HealthResult.unhealthy(reason);
    }

    private static boolean saysHealthy(byte[] body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            return false;
        }
        JsonNode health = answer == null ? null : answer.get("health");
        if (health == null) {
            return false;
        }
        return health.isBoolean() ? health.booleanValue() : health.isTextual() && health.textValue().equals("true");
    }

    /** {@code : <the body's start, on one line>}, or {@code  with an empty body}. */
    private static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
        if (text.isEmpty()) {
            return " with an empty body";
        }
        return ": " + (text.length() > EXCERPT_CHARACTERS ? text.substring(0, EXCERPT_CHARACTERS) + "..." : text);
    }
}
