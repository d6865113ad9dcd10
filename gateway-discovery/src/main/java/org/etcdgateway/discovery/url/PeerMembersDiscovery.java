package org.etcdgateway.discovery.url;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.etcdgateway.discovery.refresh.RefreshingDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints from the members' client URLs, as their peers list them ({@code GET <peer URL>/members}),
 * read every refresh interval, as etcd's v2 proxy does: the peers of the last answer are asked
 * first (so members added since are asked too), then the peer URLs the subclass knows of.
 */
public abstract class PeerMembersDiscovery extends RefreshingDiscovery {

    /** Told the peer URLs of each good answer, for example to save them for the next start. */
    @FunctionalInterface
    public interface PeerUrlsListener {

        /** @param peerUrls every member's peer URLs, as listed; called on the lookup's thread, so it must not throw */
        void onPeerUrls(List<String> peerUrls);
    }

    private static final Logger log = LoggerFactory.getLogger(PeerMembersDiscovery.class);

    private final String name;
    private final Duration refreshInterval;
    private final PeerMembersClient peers;
    // Lookups run one at a time, but not always on the same thread.
    private volatile PeerMembers lastAnswer;
    private volatile List<String> lastSkipped = List.of();
    private volatile PeerUrlsListener peerUrlsListener = peerUrls -> { };

    /** @param name the provider's name, for log lines */
    protected PeerMembersDiscovery(String name, JsonHttpClient http, Duration refreshInterval, DiscoveryContext context) {
        super(name, context);
        this.name = name;
        this.refreshInterval = refreshInterval;
        this.peers = new PeerMembersClient(http);
    }

    /** Tells {@code listener} the peer URLs of every good answer, the first one included: call it before {@link #start}. */
    public final void listenForPeerUrls(PeerUrlsListener listener) {
        this.peerUrlsListener = Objects.requireNonNull(listener, "listener");
    }

    /** The peer URLs to ask after those of the last answer. May look them up (DNS), within its own timeouts. */
    protected abstract List<String> sourcePeerUrls() throws Exception;

    /** The first answer: by default the source's peers are asked; a subclass may wait for the cluster first. */
    protected PeerMembers firstMembers() throws Exception {
        return peers.fetch(sourcePeerUrls());
    }

    /** Asks {@code peerUrls} in turn for the member list; the first good answer counts. */
    protected final PeerMembers fetch(List<String> peerUrls) throws PeerMembersUnavailableException, InterruptedException {
        return peers.fetch(peerUrls);
    }

    @Override
    protected final Lookup lookup() throws Exception {
        PeerMembers previous = lastAnswer;
        PeerMembers members = previous == null ? firstMembers() : peers.fetch(peerUrlsToAsk(previous));
        if (previous == null || !previous.answeredBy().equals(members.answeredBy())) {
            log.info("discovery {}: members from peer {} (cluster {}): {} member(s), client URLs {}",
                    name, members.answeredBy(), members.clusterId(), members.members().size(), members.clientUrls());
        }
        lastAnswer = members;
        peerUrlsListener.onPeerUrls(members.peerUrls());
        return new Lookup(endpoints(members), refreshInterval);
    }

    private List<String> peerUrlsToAsk(PeerMembers last) throws Exception {
        Set<String> urls = new LinkedHashSet<>();
        urls.add(last.answeredBy());
        urls.addAll(last.peerUrls());
        urls.addAll(sourcePeerUrls());
        return new ArrayList<>(urls);
    }

    private List<Endpoint> endpoints(PeerMembers members) {
        List<Endpoint> endpoints = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String url : members.clientUrls()) {
            try {
                endpoints.add(Endpoint.parse(url, name));
            } catch (AddressFormatException e) {
                skipped.add(e.getMessage());
            }
        }
        if (!skipped.equals(lastSkipped)) {
            if (!skipped.isEmpty()) {
                log.warn("discovery {}: client URLs that are not http(s)://host:port are left out: {}", name, skipped);
            }
            lastSkipped = List.copyOf(skipped);
        }
        return endpoints;
    }

    @Override
    protected Duration retryDelay() {
        return refreshInterval;
    }
}
