package org.etcdgateway.discovery.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLParameters;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.discovery.tls.TrustedCertificates;

/**
 * The HTTP requests the discovery providers make to etcd and to a discovery service: HTTP/1.1
 * (etcd's client port multiplexes gRPC and HTTP/1.1; an HTTP/2 upgrade attempt is of no use
 * there), one timeout that bounds connecting and answering, JSON in and out.
 *
 * <p>{@code https://} servers are checked against the CAs given, or else against the JVM's
 * default trust store ({@code javax.net.ssl.trustStore}, else the JDK's {@code cacerts}), with
 * the host name verified. No client certificate is sent.
 */
public final class JsonHttpClient {

    private final HttpClient client;
    private final Duration requestTimeout;

    /**
     * A client that checks {@code https://} servers against the JVM's default trust store.
     *
     * @param requestTimeout how long one request may take, connecting included
     */
    public JsonHttpClient(Duration requestTimeout) {
        this(requestTimeout, List.of());
    }

    /**
     * @param requestTimeout      how long one request may take, connecting included
     * @param trustedCertificates the CAs {@code https://} servers are checked against, instead of
     *                            the JVM's default trust store; empty for the default
     */
    public JsonHttpClient(Duration requestTimeout, List<X509Certificate> trustedCertificates) {
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (trustedCertificates.isEmpty()) {
            // Parameters of its own, or the client asks the context for its defaults at once.
            builder.sslContext(TrustedCertificates.sslContextTrustingTheJvmDefaultsOnFirstUse())
                    .sslParameters(new SSLParameters());
        } else {
            builder.sslContext(TrustedCertificates.sslContextTrusting(trustedCertificates));
        }
        this.client = builder.build();
    }

    /** {@code GET uri}, whatever the status. */
    public HttpAnswer get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** {@code POST uri} with a JSON body, whatever the status. */
    public HttpAnswer post(URI uri, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpAnswer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.timeout(requestTimeout).header("Accept", "application/json").build();
        HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
        return new HttpAnswer(built.method(), built.uri(), response.statusCode(), response.headers(), response.body());
    }

    /**
     * A request's failure in a few words for a log line. The JDK's client often throws
     * exceptions without a message (a refused connection is a {@code ConnectException} with none),
     * so the chain is searched for the words that say what happened.
     */
    public String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException) {
                return "cannot resolve the host name";
            }
        }
        if (failure instanceof HttpConnectTimeoutException) {
            return "no connection within " + Durations.format(requestTimeout);
        }
        if (failure instanceof HttpTimeoutException) {
            return "no answer within " + Durations.format(requestTimeout);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return cause.getMessage();
            }
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        return failure.getClass().getSimpleName();
    }
}
