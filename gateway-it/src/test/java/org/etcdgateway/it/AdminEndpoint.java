package org.etcdgateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running gateway's admin endpoint, read as an operator's tools read it: {@code /metrics}
 * through the Prometheus client library's own text-format parser (Python's
 * {@code prometheus_client}, which rejects what Prometheus would), {@code /endpoints} as JSON.
 */
final class AdminEndpoint {

    /** Debian's python3, where the python3-prometheus-client package installs. */
    private static final String PYTHON = "/usr/bin/python3";
    /** Prints each sample as one JSON object per line; any malformed line makes the parser raise. */
    private static final String PARSER = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(sys.stdin.read()):
                for sample in family.samples:
                    print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                                      "labels": sample.labels, "value": sample.value}))
            """;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;

    AdminEndpoint(String hostAndPort) {
        this.baseUrl = "http://" + hostAndPort;
    }

    /** One metric sample. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    /** The status and body of {@code GET path}. */
    record Answer(int status, String body) {
    }

    Answer get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + baseUrl + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Every sample of {@code /metrics}, parsed. */
    List<Sample> metrics() {
        Answer answer = get("/metrics");
        if (answer.status() != 200) {
            throw new AssertionError("GET /metrics answered " + answer.status() + ": " + answer.body());
        }
        return parse(answer.body());
    }

    /** Parses Prometheus text format with the Prometheus client library's parser. */
    static List<Sample> parse(String text) {
        Executables.require(PYTHON, "python3-prometheus-client");
        CommandResult result = Commands.run(List.of(PYTHON, "-c", PARSER), environment -> {
        }, text.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20));
        if (!result.succeeded()) {
            throw new AssertionError("the Prometheus text parser rejected /metrics (install python3-prometheus-client"
                    + " with scripts/install-deps if it is missing):\n" + result.describe() + "\n-- input --\n" + text);
        }
        List<Sample> samples = new ArrayList<>();
        try {
            for (String line : result.stdout().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                Map<String, String> labels = new LinkedHashMap<>();
                node.get("labels").fields().forEachRemaining(entry -> labels.put(entry.getKey(), entry.getValue().asText()));
                samples.add(new Sample(node.get("family").asText(), node.get("type").asText(), node.get("name").asText(),
                        Map.copyOf(labels), node.get("value").asDouble()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    /** The value of the sample {@code name} with exactly {@code labels}, if there is one. */
    static Optional<Double> value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream()
                .filter(sample -> sample.name().equals(name) && sample.labels().equals(labels))
                .map(Sample::value)
                .findFirst();
    }

    /** The sum of every sample named {@code name}, whatever its labels; 0 when there is none. */
    static double sum(List<Sample> samples, String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).mapToDouble(Sample::value).sum();
    }

    /** {@code /endpoints}: one JSON object per endpoint. */
    List<JsonNode> endpoints() {
        Answer answer = get("/endpoints");
        if (answer.status() != 200) {
            throw new AssertionError("GET /endpoints answered " + answer.status() + ": " + answer.body());
        }
        try {
            List<JsonNode> endpoints = new ArrayList<>();
            JSON.readTree(answer.body()).forEach(endpoints::add);
            return endpoints;
        } catch (IOException e) {
            throw new UncheckedIOException("GET /endpoints is not JSON: " + answer.body(), e);
        }
    }

    /** The {@code /endpoints} entry of {@code hostAndPort}. */
    JsonNode endpoint(String hostAndPort) {
        return endpoints().stream()
                .filter(node -> node.get("endpoint").asText().equals(hostAndPort))
                .findFirst()
                .orElseThrow(() -> new AssertionError(hostAndPort + " is not among " + endpoints()));
    }
}
