package org.etcdgateway.discovery.members;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.discovery.http.BadAnswerException;
import org.etcdgateway.discovery.http.HttpAnswer;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.etcdgateway.discovery.refresh.RefreshingDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the cluster's member list every sync interval and delivers the client URLs of the
 * members that serve clients. The list is asked of the members known from the last answer, the
 * one that answered last first, then of the seeds; the first good answer counts. What
 * {@link RefreshingDiscovery} does with a failed lookup (keep the last set, try again) covers an
 * unreachable cluster and a bad answer alike.
 */
final class EtcdMembersDiscovery extends RefreshingDiscovery {

    private static final Logger log = LoggerFactory.getLogger(EtcdMembersDiscovery.class);

    /** etcd's JSON gateway for {@code Cluster.MemberList}, etcd 3.4 and later ({@code /v3beta} before). */
    static final String MEMBER_LIST_PATH = "/v3/cluster/member/list";

    private final Seeds seeds;
    private final JsonHttpClient http;
    private final Duration syncInterval;
    // Lookups run one at a time, but not always on the same thread.
    private volatile Endpoint lastAnswered;
    private volatile Set<String> lastNotServing = Set.of();
    private volatile List<String> lastSkipped = List.of();

    EtcdMembersDiscovery(Seeds seeds, JsonHttpClient http, Duration syncInterval, DiscoveryContext context) {
        super(EtcdMembersDiscoveryProvider.NAME, context);
        this.seeds = Objects.requireNonNull(seeds, "seeds");
        this.http = Objects.requireNonNull(http, "http");
        this.syncInterval = Objects.requireNonNull(syncInterval, "syncInterval");
    }

    @Override
    protected Lookup lookup() throws Exception {
        List<String> failures = new ArrayList<>();
        Set<URI> asked = new HashSet<>();
        Optional<Answer> answer = askInTurn(known(), asked, failures);
        if (answer.isEmpty()) {
            List<Endpoint> seedEndpoints = List.of();
            try {
                seedEndpoints = seeds.endpoints();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failures.add("the seeds (" + seeds.describe() + "): " + describe(e));
            }
            answer = askInTurn(seedEndpoints, asked, failures);
        }
        if (answer.isEmpty()) {
            throw new IOException(failures.isEmpty() ? "no endpoint to ask: the seeds (" + seeds.describe() + ") are none"
                    : "no member list" + (asked.isEmpty() ? "" : " from any of " + asked.size() + " endpoint(s)") + ": "
                    + String.join("; ", failures));
        }
        report(answer.get(), failures);
        return new Lookup(answer.get().endpoints().endpoints(), syncInterval);
    }

    /** The members from the last answer, the one that gave it first when it is one of them. */
    private List<Endpoint> known() {
        List<Endpoint> known = new ArrayList<>(current());
        Endpoint answered = lastAnswered;
        if (answered != null && known.remove(answered)) {
            known.add(0, answered);
        }
        return known;
    }

    private Optional<Answer> askInTurn(List<Endpoint> endpoints, Set<URI> asked, List<String> failures)
            throws InterruptedException {
        for (Endpoint endpoint : endpoints) {
            URI uri;
            try {
                uri = memberListUri(endpoint);
            } catch (IllegalArgumentException e) {
                failures.add(endpoint + ": cannot be written as a URL (" + e.getMessage() + ")");
                continue;
            }
            if (!asked.add(uri)) {
                continue;
            }
            try {
                MemberList members = fetch(uri);
                MemberList.Endpoints usable = members.endpoints(EtcdMembersDiscoveryProvider.NAME);
                if (usable.endpoints().isEmpty()) {
                    failures.add(endpoint + ": the list has " + members.members().size()
                            + " member(s) and none serves clients (not started yet, or learners)"
                            + (usable.skipped().isEmpty() ? "" : "; not endpoints: " + usable.skipped()));
                    continue;
                }
                return Optional.of(new Answer(endpoint, uri, members, usable));
            } catch (IOException e) {
                failures.add(endpoint + ": " + http.describe(e));
            } catch (BadAnswerException e) {
                failures.add(endpoint + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private MemberList fetch(URI uri) throws IOException, InterruptedException, BadAnswerException {
        HttpAnswer answer = http.post(uri, "{}");
        return MemberList.fromJson(answer.okJson(), answer.request());
    }

    /** Says which endpoint answered when that changes, and what in the answer gets no traffic. */
    private void report(Answer answer, List<String> failures) {
        if (!answer.endpoint().equals(lastAnswered)) {
            String clusterId = answer.members().clusterIdHex();
            log.info("discovery {}: member list from {}{}: {} member(s), {} endpoint(s){}",
                    EtcdMembersDiscoveryProvider.NAME, answer.uri(), clusterId.isEmpty() ? "" : " (cluster " + clusterId + ")",
                    answer.members().members().size(), answer.endpoints().endpoints().size(),
                    failures.isEmpty() ? "" : "; asked before it, in vain: " + String.join("; ", failures));
            lastAnswered = answer.endpoint();
        }
        Set<String> notServing = new TreeSet<>();
        for (MemberList.Member member : answer.members().members()) {
            if (!member.servesClients()) {
                String id = MemberList.hex(member.id());
                notServing.add(member.name().isEmpty() ? id : member.name() + " (" + id + ")");
            }
        }
        if (!notServing.equals(lastNotServing)) {
            if (!notServing.isEmpty()) {
                log.info("discovery {}: member(s) {} get no traffic until they have started and are not learners",
                        EtcdMembersDiscoveryProvider.NAME, notServing);
            }
            lastNotServing = Set.copyOf(notServing);
        }
        if (!answer.endpoints().skipped().equals(lastSkipped)) {
            if (!answer.endpoints().skipped().isEmpty()) {
                log.warn("discovery {}: client URLs that are not http(s)://host:port are left out: {}",
                        EtcdMembersDiscoveryProvider.NAME, answer.endpoints().skipped());
            }
            lastSkipped = answer.endpoints().skipped();
        }
    }

    /** {@code http(s)://<endpoint>/v3/cluster/member/list}: https for a secure endpoint. */
    static URI memberListUri(Endpoint endpoint) {
        return URI.create((endpoint.secure() ? "https" : "http") + "://" + endpoint.authority() + MEMBER_LIST_PATH);
    }

    @Override
    protected Duration retryDelay() {
        return syncInterval;
    }

    @Override
    protected String describeSource() {
        return "the member list of the cluster at " + seeds.describe();
    }

    private record Answer(Endpoint endpoint, URI uri, MemberList members, MemberList.Endpoints endpoints) {
    }
}
