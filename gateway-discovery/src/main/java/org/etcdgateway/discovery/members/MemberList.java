package org.etcdgateway.discovery.members;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.discovery.http.BadAnswerException;

/**
 * etcd's answer to {@code MemberList}, as its JSON gateway ({@code POST /v3/cluster/member/list})
 * writes it:
 * <pre>{@code
 * {"header":{"cluster_id":"15875391935852295136", ...},
 *  "members":[{"ID":"7383792418829112008","name":"m0","peerURLs":["http://10.0.0.1:2380"],
 *              "clientURLs":["http://10.0.0.1:2379"]},
 *             {"ID":"7557679326364476359","peerURLs":["http://10.0.0.4:2380"],"isLearner":true}]}
 * }</pre>
 * 64-bit numbers are decimal strings; empty lists, empty names and {@code false} are left out.
 *
 * @param clusterId the cluster's ID as etcd's JSON writes it (decimal), or "" when the header has none
 * @param members   every member, usable or not
 */
record MemberList(String clusterId, List<Member> members) {

    MemberList {
        members = List.copyOf(members);
    }

    /**
     * One member.
     *
     * @param id         decimal, as the JSON writes it
     * @param name       "" for a member that was added but has not started yet
     * @param clientUrls empty for a member that was added but has not started yet
     * @param learner    a learner refuses clients' requests ("rpc not supported for learner")
     *                   until it is promoted
     */
    record Member(String id, String name, List<String> clientUrls, boolean learner) {

        Member {
            clientUrls = List.copyOf(clientUrls);
        }

        /** True when clients can use this member: it has started and votes. */
        boolean servesClients() {
            return !clientUrls.isEmpty() && !learner;
        }
    }

    /**
     * The endpoints of the members that serve clients, and the client URLs that are not endpoints.
     *
     * @param endpoints one per client URL of a member that serves clients, in the order of the answer
     * @param skipped   client URLs that are not {@code http(s)://host:port} (a {@code unix://} socket,
     *                  say), each with why
     */
    record Endpoints(List<Endpoint> endpoints, List<String> skipped) {
    }

    /**
     * Reads the JSON gateway's answer.
     *
     * @param request the request, for messages
     * @throws BadAnswerException when the JSON is not a member list
     */
    static MemberList fromJson(JsonNode root, String request) throws BadAnswerException {
        if (!root.isObject()) {
            throw new BadAnswerException(request + " answered " + kind(root) + " instead of a member list object");
        }
        JsonNode membersNode = root.path("members");
        if (!membersNode.isMissingNode() && !membersNode.isArray()) {
            throw new BadAnswerException(request + " answered \"members\" as " + kind(membersNode) + " instead of a list");
        }
        List<Member> members = new ArrayList<>();
        for (JsonNode member : membersNode) {
            if (!member.isObject()) {
                throw new BadAnswerException(request + " answered a member that is " + kind(member) + " instead of an object");
            }
            JsonNode urls = member.path("clientURLs");
            if (!urls.isMissingNode() && !urls.isArray()) {
                throw new BadAnswerException(request + " answered the clientURLs of member " + member.path("ID").asText("?")
                        + " as " + kind(urls) + " instead of a list");
            }
            List<String> clientUrls = new ArrayList<>();
            for (JsonNode url : urls) {
                if (!url.isTextual()) {
                    throw new BadAnswerException(request + " answered a client URL of member " + member.path("ID").asText("?")
                            + " that is " + kind(url) + " instead of a string");
                }
                clientUrls.add(url.asText());
            }
            members.add(new Member(member.path("ID").asText(""), member.path("name").asText(""), clientUrls,
                    member.path("isLearner").asBoolean(false)));
        }
        return new MemberList(root.path("header").path("cluster_id").asText(""), members);
    }

    /** The endpoints clients can use, {@code https://} ones secure, each marked as coming from {@code source}. */
    Endpoints endpoints(String source) {
        Set<Endpoint> endpoints = new LinkedHashSet<>();
        List<String> skipped = new ArrayList<>();
        for (Member member : members) {
            if (!member.servesClients()) {
                continue;
            }
            for (String url : member.clientUrls()) {
                try {
                    endpoints.add(Endpoint.parse(url, source));
                } catch (AddressFormatException e) {
                    skipped.add(e.getMessage() + " of member " + describe(member));
                }
            }
        }
        return new Endpoints(List.copyOf(endpoints), List.copyOf(skipped));
    }

    /** The cluster ID in hex, as etcd's logs and {@code etcdctl member list} print IDs; "" when unknown. */
    String clusterIdHex() {
        return hex(clusterId);
    }

    /** A decimal ID from the JSON in hex, as etcd's logs and {@code etcdctl member list} print IDs; as it is when not decimal. */
    static String hex(String decimalId) {
        try {
            return decimalId.isEmpty() ? "" : Long.toHexString(Long.parseUnsignedLong(decimalId));
        } catch (NumberFormatException e) {
            return decimalId;
        }
    }

    private static String describe(Member member) {
        return member.name().isEmpty() ? hex(member.id()) : member.name();
    }

    private static String kind(JsonNode node) {
        return node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
