package org.etcdgateway.transport.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.endpoints.EndpointPicker;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.metrics.ProxyMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every client connection of one http transport shares: the settings, the endpoint state,
 * the policy, the pooled connections to the endpoints and this instance's loop mark.
 */
final class HttpProxy {

    /**
     * The request header a proxy adds with its instance id, so that a request that comes back
     * (a member that advertises the proxy's own address) is recognised instead of going round.
     */
    static final String HOP_HEADER = "X-Etcd-Gateway-Hop";
    /** etcd's proxy serves its configuration here; clients such as etcdctl 2 read it. */
    static final String CONFIGURATION_PATH = "/v2/config/local/proxy";

    private static final Logger log = LoggerFactory.getLogger(HttpProxy.class);
    private static final long NO_ENDPOINT_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private volatile HttpSettings settings;
    private final EndpointPool endpoints;
    private final EndpointPicker picker;
    private final UpstreamConnectionPool connections;
    private final String instanceId;
    private final ProxyMetrics metrics;
    private final LeaderTracker leader;
    private final AtomicLong lastNoEndpointLog = new AtomicLong(System.nanoTime() - NO_ENDPOINT_LOG_INTERVAL_NANOS);
    private final AtomicLong refusedSinceLastLog = new AtomicLong();
    private volatile boolean draining;

    HttpProxy(HttpSettings settings, EndpointPool endpoints, EndpointPicker picker,
              UpstreamConnectionPool connections, String instanceId, ProxyMetrics metrics, LeaderTracker leader) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.picker = picker;
        this.connections = connections;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.leader = leader;
    }

    HttpSettings settings() {
        return settings;
    }

    /** From a reload: requests that arrive from now on follow {@code next}. */
    void settings(HttpSettings next) {
        settings = next;
    }

    UpstreamConnectionPool connections() {
        return connections;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    String instanceId() {
        return instanceId;
    }

    /** True once the transport is stopping: responses then close their client connections. */
    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }

    /** True when this instance's mark is already on the request: forwarding it would go round in a loop. */
    boolean passedThroughHere(HttpHeaders headers) {
        for (String value : headers.getAll(HOP_HEADER)) {
            for (String mark : value.split(",")) {
                if (mark.trim().equals(instanceId)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The client URLs of the usable endpoints, as {@code GET /v2/config/local/proxy} lists them. */
    List<String> usableEndpointUrls() {
        List<String> urls = new ArrayList<>();
        for (Endpoint endpoint : endpoints.usable()) {
            urls.add((endpoint.secure() ? "https://" : "http://") + endpoint.authority());
        }
        return urls;
    }

    EndpointPicker picker() {
        return picker;
    }

    /**
     * Where a request goes without asking the policy: the leader, for what etcd puts through its
     * raft log (a write, that is any method but GET and HEAD, or a GET with {@code quorum=true}),
     * while {@code writes-to-leader} is on and the leader is known and among {@code candidates};
     * else null.
     */
    Endpoint leaderFor(HttpMethod method, String uri, List<Endpoint> candidates) {
        if (!settings.writesToLeader() || HttpMethod.HEAD.equals(method)
                || HttpMethod.GET.equals(method) && !asksForQuorum(uri)) {
            return null;
        }
        Endpoint known = leader.leader();
        return known != null && candidates.contains(known) ? known : null;
    }

    /** True when the query says {@code quorum} is true, as etcd reads it (Go's {@code strconv.ParseBool}). */
    static boolean asksForQuorum(String uri) {
        if (!uri.contains("quorum")) {
            return false;
        }
        List<String> values = new QueryStringDecoder(uri).parameters().get("quorum");
        if (values == null || values.isEmpty()) {
            return false;
        }
        // etcd reads the first value.
        return switch (values.get(0)) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> false;
        };
    }

    /** The endpoint answered: its response has started. */
    void answered(Endpoint endpoint) {
        picker.succeeded(endpoint);
    }

    /** A connection or transport error before any response byte: out of rotation for failure-wait. */
    void failed(Endpoint endpoint, Throwable cause, Supplier<String> request) {
        if (log.isDebugEnabled()) {
            log.debug("{}: endpoint {} failed before answering ({}); replaying on the next endpoint",
                    request.get(), endpoint, EndpointPool.describe(cause));
        }
        picker.failed(endpoint, cause);
    }

    /** Logs a 503, at most once a second with a count of the others. */
    void noEndpointAvailable(Supplier<String> request) {
        long now = System.nanoTime();
        long last = lastNoEndpointLog.get();
        long others = refusedSinceLastLog.getAndIncrement();
        if (now - last < NO_ENDPOINT_LOG_INTERVAL_NANOS || !lastNoEndpointLog.compareAndSet(last, now)) {
            return;
        }
        refusedSinceLastLog.addAndGet(-others - 1);
        log.warn("{}: answered 503, zero endpoints available: all {} endpoint(s) are out of rotation after failures; "
                        + "they come back after a successful re-dial{}", request.get(), endpoints.all().size(),
                others > 0 ? " (" + others + " other request(s) answered likewise in the last second)" : "");
    }
}
