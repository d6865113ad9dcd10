package org.etcdgateway.discovery.url;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.etcdgateway.discovery.http.BadAnswerException;

/**
 * An etcd cluster's members as one of its peers listed them ({@code GET <peer URL>/members}).
 *
 * @param answeredBy the peer URL that answered
 * @param clusterId  the cluster's ID in hex, from the {@code X-Etcd-Cluster-ID} header
 * @param members    every member, whether it serves clients or not
 */
public record PeerMembers(String answeredBy, String clusterId, List<PeerMember> members) {

    public PeerMembers {
        Objects.requireNonNull(answeredBy, "answeredBy");
        Objects.requireNonNull(clusterId, "clusterId");
        members = List.copyOf(members);
    }

    /** The client URLs of the members that serve clients, in the order listed, without duplicates. */
    public List<String> clientUrls() {
        Set<String> urls = new LinkedHashSet<>();
        members.stream().filter(PeerMember::servesClients).forEach(member -> urls.addAll(member.clientUrls()));
        return List.copyOf(urls);
    }

    /** Every member's peer URLs, in the order listed, without duplicates: where to ask next time. */
    public List<String> peerUrls() {
        Set<String> urls = new LinkedHashSet<>();
        members.forEach(member -> urls.addAll(member.peerUrls()));
        return List.copyOf(urls);
    }

    /**
     * Reads a {@code /members} answer: a JSON array of
     * {@code {"id":<unsigned 64-bit number>,"name":..,"peerURLs":[..],"clientURLs":[..],"isLearner":..}},
     * where a member that has not started has no name and no client URLs.
     *
     * @param answeredBy      the peer URL asked
     * @param clusterIdHeader the {@code X-Etcd-Cluster-ID} header, hex; etcd's proxy refuses an
     *                        answer without a valid one, and so does this
     * @param request         the request, for messages
     * @throws BadAnswerException naming the request and what is wrong
     */
    static PeerMembers fromJson(String answeredBy, String clusterIdHeader, JsonNode root, String request) throws BadAnswerException {
        String clusterId = parseClusterId(clusterIdHeader, request);
        if (!root.isArray()) {
            throw new BadAnswerException(request + " answered " + kind(root) + " instead of a list of members");
        }
        List<PeerMember> members = new ArrayList<>();
        for (JsonNode member : root) {
            if (!member.isObject()) {
                throw new BadAnswerException(request + " answered a member that is " + kind(member) + " instead of an object");
            }
            JsonNode id = member.path("id");
            if (!id.isIntegralNumber() || id.bigIntegerValue().signum() < 0 || id.bigIntegerValue().bitLength() > Long.SIZE) {
                throw new BadAnswerException(request + " answered a member whose id is " + kind(id)
                        + " instead of an unsigned 64-bit number");
            }
            String hexId = id.bigIntegerValue().toString(16);
            members.add(new PeerMember(hexId, member.path("name").asText(""), urls(member, "peerURLs", hexId, request),
                    urls(member, "clientURLs", hexId, request), member.path("isLearner").asBoolean(false)));
        }
        return new PeerMembers(answeredBy, clusterId, members);
    }

    private static String parseClusterId(String header, String request) throws BadAnswerException {
        if (header == null || header.isBlank()) {
            throw new BadAnswerException(request + " answered without an X-Etcd-Cluster-ID header: not an etcd peer URL?");
        }
        try {
            return Long.toHexString(Long.parseUnsignedLong(header.strip(), 16));
        } catch (NumberFormatException e) {
            throw new BadAnswerException(request + " answered X-Etcd-Cluster-ID \"" + header + "\" (expected: a hex cluster ID)");
        }
    }

    private static List<String> urls(JsonNode member, String field, String id, String request) throws BadAnswerException {
        JsonNode urls = member.path(field);
        if (urls.isMissingNode() || urls.isNull()) {
            return List.of();
        }
        if (!urls.isArray()) {
            throw new BadAnswerException(request + " answered the " + field + " of member " + id + " as " + kind(urls)
                    + " instead of a list");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode url : urls) {
            if (!url.isTextual()) {
                throw new BadAnswerException(request + " answered one of the " + field + " of member " + id + " as "
                        + kind(url) + " instead of a string");
            }
            texts.add(url.asText());
        }
        return texts;
    }

    private static String kind(JsonNode node) {
        return node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
