package org.etcdgateway.discovery.members;

import java.util.List;
import java.util.stream.Collectors;
import org.etcdgateway.discovery.http.FakeHttpServer;

/** Member-list answers as etcd's JSON gateway writes them, for fake members. */
final class MemberListAnswers {

    private MemberListAnswers() {
    }

    /** A voting member that has started, with these client URLs. */
    static String member(String id, String name, String... clientUrls) {
        String urls = List.of(clientUrls).stream().map(url -> "\"" + url + "\"").collect(Collectors.joining(","));
        return "{\"ID\":\"" + id + "\",\"name\":\"" + name + "\",\"peerURLs\":[\"http://127.0.0.1:1\"],\"clientURLs\":[" + urls + "]}";
    }

    /** A member that was added and has not started: no name, no client URLs. */
    static String notStarted(String id) {
        return "{\"ID\":\"" + id + "\",\"peerURLs\":[\"http://127.0.0.1:2\"]}";
    }

    /** 200 with a member list of {@code members}. */
    static FakeHttpServer.Answer memberList(String... members) {
        return FakeHttpServer.Answer.json("{\"header\":{\"cluster_id\":\"255\",\"member_id\":\"1\",\"raft_term\":\"2\"},"
                + "\"members\":[" + String.join(",", members) + "]}");
    }
}
