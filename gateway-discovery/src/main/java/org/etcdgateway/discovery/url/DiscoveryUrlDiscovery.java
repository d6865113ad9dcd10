package org.etcdgateway.discovery.url;

import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.etcdgateway.api.config.Durations;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first lookup waits until the discovery URL lists the whole cluster and one of its peers
 * answers; from then on {@link PeerMembersDiscovery} asks the peers for the members' client URLs,
 * the registered peer URLs last.
 */
final class DiscoveryUrlDiscovery extends PeerMembersDiscovery {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryUrlDiscovery.class);

    private final DiscoveryUrlDiscoveryProvider.Settings settings;
    private final JsonHttpClient http;
    private final DiscoveryService service;
    // Lookups run one at a time, but not always on the same thread.
    private volatile List<String> registeredPeerUrls = List.of();

    DiscoveryUrlDiscovery(DiscoveryUrlDiscoveryProvider.Settings settings, JsonHttpClient http, DiscoveryContext context) {
        super(DiscoveryUrlDiscoveryProvider.NAME, http, settings.refreshInterval(), context);
        this.settings = settings;
        this.http = http;
        this.service = new DiscoveryService(settings.url(), http);
    }

    @Override
    protected List<String> sourcePeerUrls() {
        return registeredPeerUrls;
    }

    @Override
    protected PeerMembers firstMembers() throws Exception {
        return awaitCluster();
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
                        PeerMembers members = fetch(peerUrls);
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

    @Override
    protected String describeSource() {
        return "the cluster at discovery URL " + settings.url();
    }
}
