package org.etcdgateway.transport.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.api.discovery.EndpointDiscovery;
import org.etcdgateway.api.transport.Transport;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.api.transport.TransportException;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.endpoints.LoopGuard;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.io.Drain;
import org.etcdgateway.transport.io.IoRuntime;
import org.etcdgateway.transport.io.Listener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** etcd's v2 proxy on Netty: accepts HTTP/1.1 clients and forwards each request to the endpoint the policy picks. */
final class HttpTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    /** v2 keys travel in the request line; Go's server takes a megabyte of headers, Netty's default 4 KiB is too little. */
    private static final int MAX_REQUEST_HEAD_BYTES = 64 * 1024;

    private final HttpSettings settings;
    private final EndpointDiscovery discovery;
    private final TransportContext context;
    private final IoRuntime io;
    private EventLoopGroup group;
    private DnsAddressResolverGroup resolver;
    private EndpointPool pool;
    private UpstreamConnectionPool connections;
    private HttpProxy proxy;
    private final List<Listener> servers = new ArrayList<>();
    private ChannelGroup clients;
    private volatile List<LoopGuard> loopGuards = List.of();
    private volatile boolean firstSet = true;
    private volatile String startupLoop;
    private volatile boolean stopped;

    HttpTransport(HttpSettings settings, TransportContext context) {
        this(settings, context, IoRuntime.best());
    }

    HttpTransport(HttpSettings settings, TransportContext context, IoRuntime io) {
        this.settings = settings;
        this.context = context;
        this.discovery = context.discovery();
        this.io = io;
    }

    @Override
    public void start() throws TransportException {
        io.logChoice(log);
        SslContext tls;
        try {
            tls = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new TransportException("cannot set up TLS for https:// endpoints: " + EndpointPool.describe(e), e);
        }
        group = io.newEventLoopGroup(settings.effectiveIoThreads(), "gateway-io");
        clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
        resolver = io.newResolverGroup();
        Bootstrap dialTemplate = io.newDialTemplate(resolver, settings.dialTimeout());
        Dialer dialer = new Dialer(dialTemplate);
        pool = new EndpointPool(settings.failureWait(), group, endpoint -> dialer.probe(group.next(), endpoint), discovery::refresh);
        connections = new UpstreamConnectionPool(dialer, tls);
        proxy = new HttpProxy(settings, pool, context.policy(), connections, UUID.randomUUID().toString());

        ServerBootstrap serverTemplate = new ServerBootstrap()
                .channel(io.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        clients.add(channel);
                        channel.pipeline().addLast(
                                new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_REQUEST_HEAD_BYTES)
                                        .setMaxHeaderSize(MAX_REQUEST_HEAD_BYTES)),
                                // Bodies are buffered whole so that a failed attempt can be replayed; beyond the bound: 413.
                                new HttpObjectAggregator(settings.maxRequestBody()),
                                new ClientConnectionHandler(proxy));
                    }
                });
        for (HostAndPort address : settings.listenAddresses()) {
            try {
                servers.add(Listener.bind(io, group, serverTemplate, address));
            } catch (Exception e) {
                stopNetwork();
                throw new TransportException("cannot listen on http://" + address + ": " + EndpointPool.describe(e), e);
            }
        }
        List<LoopGuard> guards = new ArrayList<>();
        for (InetSocketAddress bound : listenAddresses()) {
            guards.add(new LoopGuard(bound));
        }
        loopGuards = List.copyOf(guards);
        try {
            discovery.start(this::onEndpoints);
        } catch (DiscoveryException e) {
            stopNetwork();
            throw new TransportException(e.getMessage(), e);
        }
        if (startupLoop != null) {
            stopNetwork();
            throw TransportException.misconfigured(startupLoop);
        }
        servers.forEach(Listener::accept);
        log.debug("http transport ({}) on {} with {} event loop(s) ({}), dial timeout {}, write timeout {}, read timeout {}, "
                        + "failure wait {}, request bodies up to {} bytes",
                settings.readOnly() ? "readonly" : "on", listenAddresses(), settings.effectiveIoThreads(), io.name(),
                Durations.format(settings.dialTimeout()), Durations.format(settings.writeTimeout()),
                Durations.format(settings.readTimeout()), Durations.format(settings.failureWait()), settings.maxRequestBody());
    }

    /**
     * Drops endpoints that are this proxy's own listen addresses: a member that advertises the
     * proxy's address would otherwise make requests go round. When every endpoint of the first set
     * does so, nothing could ever work, and the start fails.
     */
    private void onEndpoints(List<Endpoint> endpoints) {
        List<Endpoint> accepted = new ArrayList<>(endpoints.size());
        String lastLoop = null;
        for (Endpoint endpoint : endpoints) {
            Optional<String> loop = loopsBack(endpoint);
            if (loop.isEmpty()) {
                accepted.add(endpoint);
            } else {
                lastLoop = loop.get();
                log.warn("ignoring {}", lastLoop);
            }
        }
        if (firstSet && accepted.isEmpty() && lastLoop != null) {
            startupLoop = lastLoop;
        }
        firstSet = false;
        if (startupLoop == null) {
            pool.replace(accepted);
        }
    }

    private Optional<String> loopsBack(Endpoint endpoint) {
        for (LoopGuard guard : loopGuards) {
            Optional<String> loop = guard.loopsBack(endpoint);
            if (loop.isPresent()) {
                return loop;
            }
        }
        return Optional.empty();
    }

    /** The endpoint state, for tests in this package. */
    EndpointPool pool() {
        return pool;
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>(servers.size());
        for (Listener server : servers) {
            addresses.add(server.localAddress());
        }
        return List.copyOf(addresses);
    }

    @Override
    public List<Endpoint> endpoints() {
        return pool == null ? List.of() : pool.all();
    }

    @Override
    public void close() {
        if (stopped || servers.isEmpty()) {
            return;
        }
        stopped = true;
        List<InetSocketAddress> addresses = listenAddresses();
        servers.forEach(Listener::close);
        proxy.startDraining();
        log.info("stopping: no longer accepting on {}; draining {} open connection(s) for up to {}",
                addresses, clients.size(), Durations.format(settings.drainTimeout()));
        // Idle keep-alive clients close now; busy ones after their response.
        clients.forEach(client -> client.pipeline().fireUserEventTriggered(ClientConnectionHandler.DRAIN));
        Drain.await(clients, settings.drainTimeout(), log);
        stopNetwork();
        log.info("stopped");
    }

    private void stopNetwork() {
        if (pool != null) {
            pool.close();
        }
        discovery.close();
        servers.forEach(Listener::close);
        if (connections != null) {
            connections.close();
        }
        if (resolver != null) {
            resolver.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
