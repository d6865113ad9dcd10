package org.etcdgateway.transport.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The answers the proxy makes itself, in etcd's shapes: errors as {@code {"message":"proxy: ..."}}. */
final class ProxyResponses {

    /** 508 is WebDAV's, but it says exactly this and etcd clients show the message anyway. */
    static final HttpResponseStatus LOOP_DETECTED = HttpResponseStatus.valueOf(508, "Loop Detected");

    private ProxyResponses() {
    }

    /** An etcd-style JSON error: {@code {"message":"proxy: <message>"}} with {@code Content-Type: application/json}. */
    static FullHttpResponse error(ByteBufAllocator allocator, HttpVersion version, HttpResponseStatus status, String message) {
        return json(allocator, version, status, "{\"message\":" + jsonString("proxy: " + message) + "}");
    }

    /** {@code GET /v2/config/local/proxy}: {@code {"endpoints":["http://host:port",...]}}, as etcd's proxy answers it. */
    static FullHttpResponse configuration(ByteBufAllocator allocator, HttpVersion version, List<String> endpointUrls) {
        StringBuilder body = new StringBuilder("{\"endpoints\":[");
        for (int i = 0; i < endpointUrls.size(); i++) {
            body.append(i == 0 ? "" : ",").append(jsonString(endpointUrls.get(i)));
        }
        return json(allocator, version, HttpResponseStatus.OK, body.append("]}").toString());
    }

    /** A response without a body: {@code 501} in readonly mode, as etcd's proxy sends it. */
    static FullHttpResponse empty(ByteBufAllocator allocator, HttpVersion version, HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, allocator.buffer(0));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    private static FullHttpResponse json(ByteBufAllocator allocator, HttpVersion version, HttpResponseStatus status, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = allocator.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                // etcd's proxy wraps its own answers in its default CORS handler ("*"); browsers
                // reading /v2/config/local/proxy or an error need the same.
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, GET, OPTIONS, PUT, DELETE")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "accept, content-type, authorization");
        return response;
    }

    private static String jsonString(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
