package org.etcdgateway.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

/** The L4 relay on Netty: accepts clients and forwards each to the endpoint the policy picks. */
final class TcpTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

    private final TcpSettings settings;
    private final EndpointDiscovery discovery;
    private final TransportContext context;
    private final IoRuntime io;
    private EventLoopGroup group;
    private DnsAddressResolverGroup resolver;
    private EndpointPool pool;
    private Listener server;
    private ChannelGroup clients;
    private volatile LoopGuard loopGuard;
    private volatile String startupLoop;
    private volatile boolean firstSet = true;
    private volatile boolean stopped;

    TcpTransport(TcpSettings settings, TransportContext context) {
        this(settings, context, IoRuntime.best());
    }

    TcpTransport(TcpSettings settings, TransportContext context, IoRuntime io) {
        this.settings = settings;
        this.context = context;
        this.discovery = context.discovery();
        this.io = io;
    }

    @Override
    public void start() throws TransportException {
        io.logChoice(log);
        group = io.newEventLoopGroup(settings.effectiveIoThreads(), "gateway-io");
        clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
        resolver = io.newResolverGroup();
        // Half-closure both ways: a client's FIN becomes the endpoint's, not a close.
        Bootstrap dialTemplate = io.newDialTemplate(resolver, settings.dialTimeout())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Dialer dialer = new Dialer(dialTemplate);
        pool = new EndpointPool(settings.retryDelay(), group, endpoint -> dialer.probe(group.next(), endpoint), discovery::refresh);
        TcpRelay relay = new TcpRelay(pool, context.policy(), dialer);

        ServerBootstrap template = new ServerBootstrap()
                .channel(io.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        clients.add(channel);
                        channel.pipeline().addLast(new ClientRelayHandler(relay));
                    }
                });
        try {
            server = Listener.bind(io, group, template, settings.listenAddress());
        } catch (Exception e) {
            stopNetwork();
            throw new TransportException("cannot listen on " + settings.listenAddress() + ": " + EndpointPool.describe(e), e);
        }
        loopGuard = new LoopGuard(server.localAddress());
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
        server.accept();
        log.debug("tcp transport on {} with {} event loop(s) ({}), dial timeout {}, retry delay {}",
                server.localAddress(), settings.effectiveIoThreads(), io.name(),
                Durations.format(settings.dialTimeout()), Durations.format(settings.retryDelay()));
    }

    private void onEndpoints(List<Endpoint> endpoints) {
        List<Endpoint> accepted = new ArrayList<>(endpoints.size());
        for (Endpoint endpoint : endpoints) {
            Optional<String> loop = loopGuard.loopsBack(endpoint);
            if (loop.isEmpty()) {
                accepted.add(endpoint);
            } else if (firstSet) {
                startupLoop = loop.get();
            } else {
                log.warn("ignoring {}", loop.get());
            }
        }
        firstSet = false;
        if (startupLoop == null) {
            pool.replace(accepted);
        }
    }

    /** The endpoint state, for tests in this package. */
    EndpointPool pool() {
        return pool;
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return server == null ? List.of() : List.of(server.localAddress());
    }

    @Override
    public List<Endpoint> endpoints() {
        return pool == null ? List.of() : pool.all();
    }

    @Override
    public void close() {
        if (stopped || server == null) {
            return;
        }
        stopped = true;
        server.close();
        int open = clients.size();
        log.info("stopping: no longer accepting on {}; draining {} open connection(s) for up to {}",
                HostAndPort.of(server.localAddress()), open, Durations.format(settings.drainTimeout()));
        Drain.await(clients, settings.drainTimeout(), log);
        stopNetwork();
        log.info("stopped");
    }

    private void stopNetwork() {
        if (pool != null) {
            pool.close();
        }
        discovery.close();
        if (server != null) {
            server.close();
        }
        if (resolver != null) {
            resolver.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
