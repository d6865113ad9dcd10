package org.etcdgateway.transport.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLException;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.api.transport.TransportException;
import org.etcdgateway.transport.base.NettyTransport;
import org.etcdgateway.transport.endpoints.EndpointFeed;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.health.OneShotGet;
import org.etcdgateway.transport.io.IoRuntime;
import org.etcdgateway.transport.io.Lazy;
import org.etcdgateway.transport.metrics.ProxyMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** etcd's v2 proxy on Netty: accepts HTTP/1.1 clients and forwards each request to the endpoint the policy picks. */
final class HttpTransport extends NettyTransport<HttpSettings> {

    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    /** v2 keys travel in the request line; Go's server takes a megabyte of headers, Netty's default 4 KiB is too little. */
    private static final int MAX_REQUEST_HEAD_BYTES = 64 * 1024;
    private static final Duration LEADER_ANSWER_TIME = Duration.ofSeconds(1);

    private UpstreamConnectionPool connections;
    private HttpProxy proxy;
    private LeaderTracker leader;

    HttpTransport(HttpSettings settings, TransportContext context) {
        this(settings, context, IoRuntime.named(settings.ioEngine()));
    }

    HttpTransport(HttpSettings settings, TransportContext context, IoRuntime io) {
        super(settings, context, io, log);
    }

    @Override
    protected void prepare(Parts parts) throws TransportException {
        connections = new UpstreamConnectionPool(parts.dialer(), new Lazy<>(HttpTransport::clientTls), parts.pool(),
                settings().effectiveIoThreads(), settings().maxIdleConnections());
        // The question gets the dial timeout to connect and a second more to be answered.
        OneShotGet get = new OneShotGet(parts.io(), parts.group(), parts.resolver(),
                settings().dialTimeout().plus(LEADER_ANSWER_TIME), OneShotGet.trustingAnyCertificate());
        leader = new LeaderTracker(parts.pool(), get, parts.group().next(), this::settings);
        ProxyMetrics.registerLeader(parts.context().metrics(), leader::leader);
        proxy = new HttpProxy(settings(), parts.pool(), parts.picker(), connections, UUID.randomUUID().toString(),
                new ProxyMetrics(parts.context().metrics()), leader);
    }

    @Override
    protected void started() {
        leader.start();
    }

    /** The TLS client for https:// endpoints, made when the first is dialled: its set-up reads the JDK's trust store. */
    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for https:// endpoints: " + EndpointPool.describe(e), e);
        }
    }

    @Override
    protected void configureServer(ServerBootstrap server) {
        // The shared options are all this transport needs.
    }

    @Override
    protected void initClient(SocketChannel client) {
        client.pipeline().addLast(
                new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_REQUEST_HEAD_BYTES)
                        .setMaxHeaderSize(MAX_REQUEST_HEAD_BYTES)),
                // Bodies are buffered whole so that a failed attempt can be replayed; beyond the bound: 413.
                new HttpObjectAggregator(proxy.settings().maxRequestBody()),
                new ClientConnectionHandler(proxy));
    }

    /**
     * Members advertise client URLs the proxy does not choose; one of them may be the proxy's own.
     * It is dropped with a warning, and only a set of nothing else fails the start.
     */
    @Override
    protected EndpointFeed.StartupLoops startupLoops() {
        return EndpointFeed.StartupLoops.ALL;
    }

    @Override
    protected String describeListenAddress(HostAndPort address) {
        return "http://" + address;
    }

    @Override
    protected void drainStarted(ChannelGroup clients) {
        proxy.startDraining();
        // Idle keep-alive clients close now; busy ones after their response.
        clients.forEach(client -> client.pipeline().fireUserEventTriggered(ClientConnectionHandler.DRAIN));
    }

    @Override
    protected void networkStopping() {
        if (leader != null) {
            leader.stop();
        }
        if (connections != null) {
            connections.close();
        }
    }

    @Override
    protected List<String> restartOnly(HttpSettings running, HttpSettings next) {
        return List.of();
    }

    /** The mode, timeouts and body limit apply to requests that arrive from now on. */
    @Override
    protected void applyOwnSettings(HttpSettings next) {
        proxy.settings(next);
        connections.maxIdleConnections(next.maxIdleConnections());
    }

    @Override
    protected String describe(HttpSettings settings) {
        return "http transport (" + (settings.readOnly() ? "readonly" : "on") + "), dial timeout "
                + Durations.format(settings.dialTimeout()) + ", write timeout " + Durations.format(settings.writeTimeout())
                + ", read timeout " + Durations.format(settings.readTimeout()) + ", failure wait "
                + Durations.format(settings.failureWait()) + ", request bodies up to " + settings.maxRequestBody() + " bytes, "
                + (settings.writesToLeader() ? "writes to the leader (asked for every "
                + Durations.format(settings.leaderCheckInterval()) + ")" : "writes where the policy sends them");
    }
}
