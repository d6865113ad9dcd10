package org.etcdgateway.it;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An etcd member's ID. etcd prints it in hex in tables and logs but as a decimal unsigned 64-bit
 * number in JSON (or a decimal string from the HTTP gateway); this value compares them as one.
 *
 * @param value the ID's 64 bits
 */
record MemberId(long value) {

    private static final Pattern JSON_MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"?(\\d+)\"?");

    /** The ID as etcd's JSON writes it: an unsigned decimal number. */
    static MemberId parseDecimal(String text) {
        return new MemberId(Long.parseUnsignedLong(text));
    }

    /** The ID as etcd's tables and logs write it. */
    static MemberId parseHex(String text) {
        return new MemberId(Long.parseUnsignedLong(text, 16));
    }

    /** The first {@code member_id} in etcdctl's JSON output, which is the one in the response header. */
    static Optional<MemberId> findInJson(String json) {
        Matcher matcher = JSON_MEMBER_ID.matcher(json);
        return matcher.find() ? Optional.of(parseDecimal(matcher.group(1))) : Optional.empty();
    }

    /** Hex, as {@code etcdctl member list} prints it. */
    @Override
    public String toString() {
        return Long.toHexString(value);
    }
}
