package org.etcdgateway.discovery.url;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.etcdgateway.discovery.http.BadAnswerException;
import org.etcdgateway.discovery.http.HttpAnswer;
import org.etcdgateway.discovery.http.JsonHttpClient;

/**
 * Turns an etcd cluster's peer URLs into its members' client URLs the way etcd's v2 proxy does:
 * {@code GET <peer URL>/members} on each peer URL in turn until one answers with a valid list.
 * etcd's peer handler serves it on every member, with no flag needed; the answer is a JSON array
 * of {@code {id, name, peerURLs, clientURLs}} and carries the cluster's ID in the
 * {@code X-Etcd-Cluster-ID} header.
 *
 * <p>Used by the discovery-url provider after the discovery URL gave the peer URLs; anything else
 * that starts from peer URLs (etcd's {@code --initial-cluster}, {@code _etcd-server} SRV records)
 * can use it the same way.
 */
public final class PeerMembersClient {

    /** etcd's peer path that lists the members. */
    public static final String MEMBERS_PATH = "/members";
    /** The header in which etcd names the cluster that answered. */
    public static final String CLUSTER_ID_HEADER = "X-Etcd-Cluster-ID";

    private final JsonHttpClient http;

    /** @param http how to ask; its request timeout bounds each peer URL's answer */
    public PeerMembersClient(JsonHttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * The members, from the first of {@code peerUrls} that answers with a valid list in which at
     * least one member serves clients.
     *
     * @param peerUrls {@code http(s)://host:port}, asked in this order; duplicates are asked once
     * @throws PeerMembersUnavailableException when none does, naming each URL and why
     */
    public PeerMembers fetch(List<String> peerUrls) throws PeerMembersUnavailableException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (String peerUrl : new LinkedHashSet<>(peerUrls)) {
            Optional<URI> membersUri = membersUri(peerUrl);
            if (membersUri.isEmpty()) {
                failures.add(peerUrl + ": not an http:// or https:// URL with a host");
                continue;
            }
            try {
                PeerMembers members = fetchFrom(peerUrl, membersUri.get());
                if (!members.clientUrls().isEmpty()) {
                    return members;
                }
                failures.add(peerUrl + ": the list has " + members.members().size()
                        + " member(s) and none serves clients (not started yet, or learners)");
            } catch (IOException e) {
                failures.add(peerUrl + ": " + http.describe(e));
            } catch (BadAnswerException e) {
                failures.add(e.getMessage());
            }
        }
        throw new PeerMembersUnavailableException(failures.isEmpty() ? "no peer URL to ask"
                : "no member list from any of " + failures.size() + " peer URL(s): " + String.join("; ", failures));
    }

    private PeerMembers fetchFrom(String peerUrl, URI membersUri) throws IOException, InterruptedException, BadAnswerException {
        HttpAnswer answer = http.get(membersUri);
        return PeerMembers.fromJson(peerUrl, answer.headers().firstValue(CLUSTER_ID_HEADER).orElse(null), answer.okJson(),
                answer.request());
    }

    /** {@code <peer URL>/members}, or empty when the peer URL is not {@code http(s)://host[:port]}. */
    private static Optional<URI> membersUri(String peerUrl) {
        String base = peerUrl.endsWith("/") ? peerUrl.substring(0, peerUrl.length() - 1) : peerUrl;
        try {
            URI uri = new URI(base + MEMBERS_PATH);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean valid = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
            return valid ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
