package org.etcdgateway.transport.health;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * How etcd's answer to {@code GET /health} reads. etcd 3.4 answers {@code 200 {"health":"true"}}
 * when the member can serve, and {@code 503 {"health":"false"}} (from 3.5 with a
 * {@code "reason"}) when it has no leader, has an alarm or cannot commit in time.
 */
final class HealthAnswer {

    /**
     * A streaming parser, not a tree mapper: the first check runs on an event loop that is
     * serving clients, and setting up Jackson's data binding there cost tens of milliseconds.
     * Strict: a second {@code health} field makes the answer not etcd's.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
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
        String reason = "GET /health answered " + status + OneShotGet.excerpt(body);
        return status == 200 && saysHealthy(body) ? HealthResult.healthy(reason) : HealthResult.unhealthy(reason);
    }

    private static boolean saysHealthy(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean healthy = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("health")) {
                    healthy = value == JsonToken.VALUE_TRUE
                            || value == JsonToken.VALUE_STRING && parser.getText().equals("true");
                } else {
                    parser.skipChildren();
                }
            }
            // The object ends, and nothing follows it.
            return healthy && token == JsonToken.END_OBJECT && parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
