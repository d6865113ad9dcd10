package org.etcdgateway.discovery.url;

import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.etcdgateway.discovery.refresh.RefreshingDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first lookup waits until the discovery URL lists the whole cluster and one of its peers
 * answers, then every lookup asks the peers for the members' client URLs, as etcd's v2 proxy
 * does: the peer URLs of the last answer first (so members added since are asked too), then those
 * registered at the discovery URL.
 */
final class DiscoveryUrlDiscovery extends RefreshingDiscovery {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryUrlDiscovery.class);

    private final DiscoveryUrlDiscoveryProvider.Settings settings;
    private final JsonHttpClient http;
    private final DiscoveryService service;
    private final PeerMembersClient peers;
    // Lookups run one at a time, but not always on the same thread.
    private volatile List<String> registeredPeerUrls = List.of();
    private volatile PeerMembers lastAnswer;
    private volatile List<String> lastSkipped = List.of();

    DiscoveryUrlDiscovery(DiscoveryUrlDiscoveryProvider.Settings settings, JsonHttpClient http, DiscoveryContext context) {
        super(DiscoveryUrlDiscoveryProvider.NAME, context);
        this.settings = settings;
        this.http = http;
        this.service = new DiscoveryService(settings.url(), http);
        this.peers = new PeerMembersClient(http);
    }

    @Override
    protected Lookup lookup() throws Exception {
        PeerMembers members = registeredPeerUrls.isEmpty() ? awaitCluster() : peers.fetch(peerUrlsToAsk());
        PeerMembers previous = lastAnswer;
        if (previous == null || !previous.answeredBy().equals(members.answeredBy())) {
            log.info("discovery {}: members from peer {} (cluster {}): {} member(s), client URLs {}",
                    DiscoveryUrlDiscoveryProvider.NAME, members.answeredBy(), members.clusterId(), members.members().size(),
                    members.clientUrls());
        }
        lastAnswer = members;
        return new Lookup(endpoints(members), settings.refreshInterval());
    }

    /**
     * Reads the discovery URL every poll interval until the cluster is complete and one of its
     * peers answers, for at most the wait timeout. An answer the protocol does not allow (a
     * {@code BadAnswerException} from the discovery service) ends the wait at once: it will not
     * get better by waiting.
     */
    private PeerMembers awaitCluster() throws Exception {
        Duration waitTimeout = settings.waitTimeout();
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        String lastState = "";
        while (true) {
            String state;
            try {
                Registrations registrations = service.read();
                if (registrations.complete()) {
                    List<String> peerUrls = registrations.peerUrls();
                    try {
                        PeerMembers members = peers.fetch(peerUrls);
                        registeredPeerUrls = List.copyOf(peerUrls);
                        return members;
                    } catch (PeerMembersUnavailableException e) {
                        state = "the cluster's " + registrations.size() + " member(s) are registered, but " + e.getMessage();
                    }
                } else {
                    state = registrations.registered().size() + " of " + registrations.size() + " members are registered";
                }
            } catch (IOException e) {
                state = "cannot read it: " + http.describe(e);
            }
            long remaining = deadline - System.nanoTime();
            if (!waitTimeout.isZero() && remaining <= 0) {
                throw new TimeoutException("waited " + Durations.format(waitTimeout) + " (wait-timeout) in vain: " + state);
            }
            if (!state.equals(lastState)) {
                log.info("discovery {}: {}: {}; looking again every {}{}", DiscoveryUrlDiscoveryProvider.NAME, settings.url(),
                        state, Durations.format(settings.pollInterval()),
                        waitTimeout.isZero() ? ", for as long as it takes (wait-timeout 0)"
                                : ", for up to " + Durations.format(Duration.ofNanos(remaining).truncatedTo(ChronoUnit.MILLIS)));
                lastState = state;
            }
            long pause = settings.pollInterval().toNanos();
            TimeUnit.NANOSECONDS.sleep(waitTimeout.isZero() ? pause : Math.min(pause, remaining));
        }
    }

    /** The peers of the last answer, the one that gave it first, then the registered ones. */
    private List<String> peerUrlsToAsk() {
        Set<String> urls = new LinkedHashSet<>();
        PeerMembers last = lastAnswer;
        if (last != null) {
            urls.add(last.answeredBy());
            urls.addAll(last.peerUrls());
        }
        urls.addAll(registeredPeerUrls);
        return new ArrayList<>(urls);
    }

    private List<Endpoint> endpoints(PeerMembers members) {
        List<Endpoint> endpoints = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String url : members.clientUrls()) {
            try {
                endpoints.add(Endpoint.parse(url, DiscoveryUrlDiscoveryProvider.NAME));
            } catch (AddressFormatException e) {
                skipped.add(e.getMessage());
            }
        }
        if (!skipped.equals(lastSkipped)) {
            if (!skipped.isEmpty()) {
                log.warn("discovery {}: client URLs that are not http(s)://host:port are left out: {}",
                        DiscoveryUrlDiscoveryProvider.NAME, skipped);
            }
            lastSkipped = List.copyOf(skipped);
        }
        return endpoints;
    }

    @Override
    protected Duration retryDelay() {
        return settings.refreshInterval();
    }

    @Override
    protected String describeSource() {
        return "the cluster at discovery URL " + settings.url();
    }
}
