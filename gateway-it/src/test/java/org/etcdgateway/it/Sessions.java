package org.etcdgateway.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Client sessions through the gateway, each a new etcdctl process and so a new TCP connection:
 * the unit a connection-level policy decides on.
 */
final class Sessions {

    private Sessions() {
    }

    /** The member that served each of {@code count} new sessions, in order; fails on the first failed one. */
    static List<MemberId> servingMembers(Etcdctl etcdctl, int count) {
        List<MemberId> served = new ArrayList<>();
        for (int session = 0; session < count; session++) {
            served.add(etcdctl.requireServingMember());
        }
        return served;
    }

    /**
     * {@code count} new sessions in a row, each writing a key; every one must succeed and print
     * nothing on stderr, since a retry or a warning there is an error the client saw. Returns the
     * member that served each.
     */
    static List<MemberId> writesWithoutErrors(Etcdctl etcdctl, String keyPrefix, int count) {
        List<MemberId> served = new ArrayList<>();
        for (int session = 0; session < count; session++) {
            CommandResult put = etcdctl.run("put", keyPrefix + session, "session " + session, "-w", "json");
            if (!put.succeeded() || !put.stderr().isEmpty()) {
                throw new AssertionError("session " + (session + 1) + " of " + count + " through the gateway saw an error:\n"
                        + put.describe());
            }
            served.add(MemberId.findInJson(put.stdout())
                    .orElseThrow(() -> new AssertionError("no member_id in etcdctl's answer:\n" + put.describe())));
        }
        return served;
    }
}
