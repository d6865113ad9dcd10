package org.etcdgateway.transport.base;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.transport.EndpointStatus;
import org.etcdgateway.api.transport.Transport;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.api.transport.TransportException;
import org.etcdgateway.transport.endpoints.EndpointFeed;
import org.etcdgateway.transport.endpoints.EndpointPicker;
import org.etcdgateway.transport.endpoints.EndpointPool;
import org.etcdgateway.transport.health.HealthCheck;
import org.etcdgateway.transport.health.HealthSettings;
import org.etcdgateway.transport.io.Dialer;
import org.etcdgateway.transport.io.Drain;
import org.etcdgateway.transport.io.IoRuntime;
import org.etcdgateway.transport.io.Listener;
import org.etcdgateway.transport.metrics.ClientMetrics;
import org.etcdgateway.transport.metrics.EndpointMetrics;
import org.slf4j.Logger;

/**
 * What the tcp and http transports share: the event loops, the dialer, the endpoint state with
 * its health checks and metrics, the listeners, the discovery feed, the graceful stop and the
 * reload. A transport adds what its clients' pipelines need.
 *
 * <p>Start-up order: loops, dialer and endpoint state; bind (connections wait in the backlog);
 * start the discovery, whose first set arrives before it returns; then accept.
 *
 * @param <S> the transport's settings
 */
public abstract class NettyTransport<S extends TransportSettings> implements Transport {

    private final Logger log;
    private final IoRuntime io;
    private final TransportContext context;
    private volatile S settings;
    private EventLoopGroup group;
    private DnsAddressResolverGroup resolver;
    private Dialer dialer;
    private EndpointPool pool;
    private EndpointPicker picker;
    private EndpointFeed feed;
    private ChannelGroup clients;
    private final List<Listener> listeners = new ArrayList<>();
    private volatile boolean stopped;

    protected NettyTransport(S settings, TransportContext context, IoRuntime io, Logger log) {
        this.settings = settings;
        this.context = context;
        this.io = io;
        this.log = log;
    }

    /** The parts a transport's client handlers share, ready once {@link #prepare} is called. */
    protected record Parts(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Dialer dialer,
                           EndpointPool pool, EndpointPicker picker, TransportContext context) {
    }

    /**
     * Builds what the transport's client handlers share; called once, before anything is bound.
     *
     * @throws TransportException when it cannot (TLS unavailable, say)
     */
    protected abstract void prepare(Parts parts) throws TransportException;

    /** Called once the first endpoint set is in and clients are being accepted. */
    protected void started() {
    }

    /** Adds the transport's handlers (and child options) to the accepting side. */
    protected abstract void configureServer(ServerBootstrap server);

    /** Sets up the pipeline of one accepted client connection. */
    protected abstract void initClient(SocketChannel client);

    /** Adds the transport's options to every dial to an endpoint. */
    protected Bootstrap configureDial(Bootstrap dial) {
        return dial;
    }

    /** When the first endpoint set is refused for naming this gateway's own address. */
    protected abstract EndpointFeed.StartupLoops startupLoops();

    /** What to say about a listen address in messages, e.g. {@code http://127.0.0.1:2379}. */
    protected String describeListenAddress(HostAndPort address) {
        return address.toString();
    }

    /** Called when a stop begins, before the drain: let idle clients go, say. */
    protected void drainStarted(ChannelGroup clients) {
    }

    /** Called when the network stops: close what the transport holds open. */
    protected void networkStopping() {
    }

    /** The settings (not shared ones) that differ between {@code running} and {@code next} and need a restart. */
    protected abstract List<String> restartOnly(S running, S next);

    /** Applies the transport's own settings from a reload; the shared ones are already applied. Must not fail. */
    protected abstract void applyOwnSettings(S next);

    /** One debug line on what runs, after start. */
    protected abstract String describe(S settings);

    protected final S settings() {
        return settings;
    }

    @Override
    public final void start() throws TransportException {
        io.logChoice(log);
        S current = settings;
        group = io.newEventLoopGroup(current.effectiveIoThreads(), "gateway-io");
        clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
        resolver = io.newResolverGroup();
        dialer = new Dialer(io, configureDial(io.newDialTemplate(resolver, current.dialTimeout())));
        ClientMetrics clientMetrics = new ClientMetrics(context.metrics(), () -> clients.size());
        pool = new EndpointPool(current.retryDelay(), group, endpoint -> dialer.probe(group.next(), endpoint),
                () -> feed.refresh(), new EndpointMetrics(context.metrics(), this::endpointStatus));
        pool.healthChecks(current.health(), newHealthCheck(current));
        picker = new EndpointPicker(pool, context.policy());
        try {
            prepare(new Parts(io, group, resolver, dialer, pool, picker, context));
        } catch (TransportException e) {
            context.discovery().close();
            stopNetwork();
            throw e;
        }

        ServerBootstrap server = io.keepAliveOnAccepted(new ServerBootstrap())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                // TCP_NODELAY is on in every accepted Netty socket already.
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        clients.add(channel);
                        clientMetrics.accepted();
                        initClient(channel);
                    }
                });
        configureServer(server);
        for (HostAndPort address : current.listenAddresses()) {
            try {
                listeners.add(Listener.bind(io, group, server, address));
            } catch (Exception e) {
                context.discovery().close();
                stopNetwork();
                throw new TransportException("cannot listen on " + describeListenAddress(address) + ": "
                        + EndpointPool.describe(e), e);
            }
        }
        feed = new EndpointFeed(pool, listenAddresses(), startupLoops());
        try {
            feed.start(context.discovery());
        } catch (TransportException e) {
            stopNetwork();
            throw e;
        }
        listeners.forEach(Listener::accept);
        started();
        log.debug("{} on {} with {} event loop(s) ({}); {}", describe(current), listenAddresses(),
                current.effectiveIoThreads(), io.name(), describeHealth(current.health()));
    }

    private HealthCheck newHealthCheck(S current) {
        return HealthCheck.of(current.health(), io, group, resolver).orElse(null);
    }

    /**
     * Applies a reloaded configuration without dropping a connection: endpoints (the new
     * discovery), policy, health checks, timeouts. Settings that need a restart must be unchanged.
     *
     * @throws TransportException when a restart-only setting changed or the new discovery cannot
     *                            start; nothing has changed then
     */
    public final synchronized void reconfigure(S next, TransportContext nextContext) throws TransportException {
        S running = settings;
        List<String> changed = new ArrayList<>();
        if (!running.listenAddresses().equals(next.listenAddresses())) {
            changed.add("the listen address (" + running.listenAddresses() + " -> " + next.listenAddresses() + ")");
        }
        if (running.ioThreads() != next.ioThreads()) {
            changed.add("io-threads (" + running.ioThreads() + " -> " + next.ioThreads() + ")");
        }
        if (!running.ioEngine().equals(next.ioEngine())) {
            changed.add("io-engine (" + running.ioEngine() + " -> " + next.ioEngine() + ")");
        }
        changed.addAll(restartOnly(running, next));
        if (!changed.isEmpty()) {
            nextContext.discovery().close();
            throw TransportException.misconfigured(String.join(" and ", changed)
                    + " cannot change while the gateway runs; restart it to apply");
        }
        feed.start(nextContext.discovery());
        picker.policy(nextContext.policy());
        dialer.connectTimeout(next.dialTimeout());
        pool.retryDelay(next.retryDelay());
        if (!next.health().equals(running.health())) {
            pool.healthChecks(next.health(), newHealthCheck(next));
        }
        applyOwnSettings(next);
        settings = next;
        log.debug("reconfigured: {}; {}", describe(next), describeHealth(next.health()));
    }

    private static String describeHealth(HealthSettings health) {
        if (health.check() == HealthSettings.Check.NONE) {
            return "no health checks";
        }
        return "health checks: " + health.check().configName() + " every " + Durations.format(health.interval())
                + " (timeout " + Durations.format(health.timeout()) + ", rise " + health.rise() + ", fall "
                + health.fall() + ", grace " + Durations.format(health.grace()) + ")";
    }

    @Override
    public final List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>(listeners.size());
        for (Listener listener : listeners) {
            addresses.add(listener.localAddress());
        }
        return List.copyOf(addresses);
    }

    @Override
    public final List<Endpoint> endpoints() {
        return pool == null ? List.of() : pool.all();
    }

    @Override
    public final List<EndpointStatus> endpointStatus() {
        return pool == null ? List.of() : pool.status();
    }

    /** The endpoint state, for tests and diagnostics. */
    public final EndpointPool pool() {
        return pool;
    }

    @Override
    public final void close() {
        if (stopped || listeners.isEmpty()) {
            return;
        }
        stopped = true;
        List<InetSocketAddress> addresses = listenAddresses();
        listeners.forEach(Listener::close);
        Duration drainTimeout = settings.drainTimeout();
        log.info("stopping: no longer accepting on {}; draining {} open connection(s) for up to {}",
                addresses.size() == 1 ? HostAndPort.of(addresses.get(0)) : addresses, clients.size(),
                Durations.format(drainTimeout));
        drainStarted(clients);
        Drain.await(clients, drainTimeout, log);
        stopNetwork();
        log.info("stopped");
    }

    private void stopNetwork() {
        if (pool != null) {
            pool.close();
        }
        if (feed != null) {
            feed.close();
        }
        listeners.forEach(Listener::close);
        networkStopping();
        if (resolver != null) {
            resolver.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
