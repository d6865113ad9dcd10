package org.etcdgateway.discovery.srv;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks DNS for the SRV records of one name, and for the addresses of their targets: the I/O of
 * this provider, behind a seam for tests.
 */
interface SrvResolver {

    /**
     * The SRV records of {@code name}. A name that does not exist, or has no SRV records, is an
     * answer without targets, not an error.
     *
     * @param name an absolute name without the trailing dot, e.g. {@code _etcd-client._tcp.example.com}
     * @throws IOException when no server gave an answer (a timeout) or the answer was an error
     *                     (SERVFAIL, REFUSED, ...), naming the name and the servers asked
     */
    SrvAnswer query(String name) throws IOException;

    /**
     * The A ({@link StandardProtocolFamily#INET}) or AAAA ({@link StandardProtocolFamily#INET6})
     * records of {@code host}. A name that does not exist, or has no such records, is an answer
     * without addresses, not an error.
     *
     * @param host an absolute name without the trailing dot, e.g. {@code m1.example.com}
     * @throws IOException as {@link #query(String)} does
     */
    AddressAnswer addresses(String host, StandardProtocolFamily family) throws IOException;

    /** The servers asked, for messages: {@code DNS server 127.0.0.1:53}. */
    String describeServers();

    /**
     * What DNS answered for one name.
     *
     * @param targets    the records' targets, in the order of the answer; empty for none
     * @param timeToLive how long the answer may be kept: the least TTL of the records that make it
     *                   up (for no records, the negative-caching TTL of the zone's SOA record);
     *                   empty when the answer carried none
     * @param additional the A and AAAA records the server added to the answer, for the targets'
     *                   names or any other
     */
    record SrvAnswer(List<SrvTarget> targets, Optional<Duration> timeToLive, List<AddressRecord> additional) {

        public SrvAnswer {
            targets = List.copyOf(targets);
            Objects.requireNonNull(timeToLive, "timeToLive");
            additional = List.copyOf(additional);
        }

        /** An answer without additional addresses. */
        SrvAnswer(List<SrvTarget> targets, Optional<Duration> timeToLive) {
            this(targets, timeToLive, List.of());
        }

        /**
         * The addresses of {@code host} in {@code family} that came with this answer, or empty
         * when none did: then they have to be asked for.
         */
        Optional<AddressAnswer> additionalAddresses(String host, StandardProtocolFamily family) {
            List<AddressRecord> records = additional.stream()
                    .filter(record -> record.host().equalsIgnoreCase(host) && record.family() == family)
                    .toList();
            if (records.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new AddressAnswer(records.stream().map(AddressRecord::address).toList(),
                    records.stream().map(AddressRecord::timeToLive).min(Duration::compareTo)));
        }
    }

    /**
     * One SRV record's data.
     *
     * @param host     the target name without the trailing dot
     * @param port     the target port
     * @param priority lower is preferred
     * @param weight   relative share within one priority, 0 to 65535 as DNS has it
     */
    record SrvTarget(String host, int port, int priority, int weight) {

        public SrvTarget {
            Objects.requireNonNull(host, "host");
        }

        /** {@code host:port}, as log lines name a target. */
        String authority() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * One A or AAAA record.
     *
     * @param host       the owner name without the trailing dot
     * @param address    the address it holds
     * @param timeToLive its TTL
     */
    record AddressRecord(String host, InetAddress address, Duration timeToLive) {

        public AddressRecord {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(timeToLive, "timeToLive");
        }

        StandardProtocolFamily family() {
            return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        }
    }

    /**
     * What DNS answered for the addresses of one name in one family.
     *
     * @param addresses  in the order of the answer; empty for none
     * @param timeToLive as in {@link SrvAnswer}: the least TTL of the records, CNAMEs on the way
     *                   included, or the negative-caching TTL for none; empty when the answer carried none
     */
    record AddressAnswer(List<InetAddress> addresses, Optional<Duration> timeToLive) {

        public AddressAnswer {
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(timeToLive, "timeToLive");
        }
    }
}
