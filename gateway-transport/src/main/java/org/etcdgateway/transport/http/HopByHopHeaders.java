package org.etcdgateway.transport.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 7.6.1):
 * they must not cross the proxy in either direction.
 */
final class HopByHopHeaders {

    /**
     * The fixed list, as Go's reverse proxy has it. {@code Trailers} is RFC 2616's spelling of
     * what it means as a TE token; both spellings are dropped.
     */
    private static final List<CharSequence> NAMES = List.of(
            HttpHeaderNames.CONNECTION, "keep-alive", HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION, "proxy-connection", HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
            "trailers", HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);

    private HopByHopHeaders() {
    }

    /** Removes the fixed list and every header that a {@code Connection} header names. */
    static void strip(HttpHeaders headers) {
        if (headers.isEmpty()) {
            // Also keeps off the read-only empty headers of Netty's shared last content.
            return;
        }
        List<String> named = new ArrayList<>(0);
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    named.add(name);
                }
            }
        }
        named.forEach(headers::remove);
        NAMES.forEach(headers::remove);
    }
}
