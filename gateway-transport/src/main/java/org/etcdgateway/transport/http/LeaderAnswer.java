package org.etcdgateway.transport.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.health.OneShotGet;

/**
 * What a member said, or why it said nothing, when asked {@code GET /v2/members/leader}. etcd
 * answers {@code 200} with the leader as a member object
 * ({@code {"id":"...","name":"m2","peerURLs":[...],"clientURLs":["http://127.0.0.1:2379"]}}),
 * and {@code 503 {"message":"During election"}} while there is none.
 *
 * @param clientUrls the leader's client URLs; empty when there is no answer to use
 * @param problem    why there is none, for the log; null when there is one
 */
record LeaderAnswer(List<String> clientUrls, String problem) {

    static final String PATH = "/v2/members/leader";

    /** A streaming parser, as for health answers: this runs on an event loop serving clients. */
    private static final JsonFactory JSON = new JsonFactory();

    LeaderAnswer {
        clientUrls = List.copyOf(clientUrls);
        if (clientUrls.isEmpty() == (problem == null)) {
            throw new IllegalArgumentException("a leader answer has either client URLs or a problem: " + clientUrls + ", " + problem);
        }
    }

    static LeaderAnswer failed(String reason) {
        return new LeaderAnswer(List.of(), "GET " + PATH + " failed: " + reason);
    }

    /** Reads etcd's answer: a 200 whose body is an object with a non-empty {@code clientURLs} array of strings. */
    static LeaderAnswer read(int status, byte[] body) {
        if (status != 200) {
            return new LeaderAnswer(List.of(), "GET " + PATH + " answered " + status + OneShotGet.excerpt(body));
        }
        List<String> urls = clientUrls(body);
        return urls.isEmpty()
                ? new LeaderAnswer(List.of(), "GET " + PATH + " answered 200 without the leader's client URLs" + OneShotGet.excerpt(body))
                : new LeaderAnswer(urls, null);
    }

    private static List<String> clientUrls(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            List<String> urls = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("clientURLs") && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.VALUE_STRING) {
                        urls.add(parser.getText());
                    }
                    if (parser.currentToken() != JsonToken.END_ARRAY) {
                        return List.of();
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return urls;
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The endpoint among {@code endpoints} that one of the leader's client URLs names (the same
     * scheme, host and port), or empty: the leader is then not one of the gateway's endpoints,
     * under that name at least.
     */
    Optional<Endpoint> in(List<Endpoint> endpoints) {
        for (String url : clientUrls) {
            Endpoint named;
            try {
                named = Endpoint.parse(url, "leader");
            } catch (AddressFormatException e) {
                continue;
            }
            for (Endpoint endpoint : endpoints) {
                if (endpoint.port() == named.port() && endpoint.secure() == named.secure()
                        && endpoint.host().equalsIgnoreCase(named.host())) {
                    return Optional.of(endpoint);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return Objects.requireNonNullElse(problem, "leader at " + clientUrls);
    }
}
