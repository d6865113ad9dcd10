package org.etcdgateway.it;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the gateway's ready line says: {@code ready: listening on <address>, endpoints [a, b, c] (...)}. */
final class ReadyLine {

    private static final Pattern ENDPOINTS = Pattern.compile("ready: listening on \\S+, endpoints \\[([^\\]]*)\\]");

    private ReadyLine() {
    }

    /** The endpoints the gateway started with, {@code host:port} each, in the order it printed them. */
    static List<String> endpoints(GatewayProcess gateway) {
        Matcher ready = ENDPOINTS.matcher(gateway.output());
        if (!ready.find()) {
            throw new AssertionError("no ready line with endpoints:\n" + gateway.output());
        }
        return List.of(ready.group(1).split(",\\s*"));
    }
}
