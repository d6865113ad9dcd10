package org.etcdgateway.discovery.srv;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DNS as a test says it is: a name answers what was last set for it, and a name never set does
 * not exist. Queries are kept as {@code _etcd-client._tcp.example.com} for SRV records and
 * {@code A m1.example.com} or {@code AAAA m1.example.com} for addresses.
 */
final class FakeSrvResolver implements SrvResolver {

    private final Map<String, SrvAnswer> answers = new ConcurrentHashMap<>();
    private final Map<String, AddressAnswer> addresses = new ConcurrentHashMap<>();
    private final Map<String, IOException> failures = new ConcurrentHashMap<>();
    private final List<String> queried = new ArrayList<>();

    /** An IP literal's address. */
    static InetAddress ip(String literal) {
        try {
            // A literal is parsed, never looked up.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal + " (expected: an IP literal)", e);
        }
    }

    /** From now on {@code name} has these records, with this TTL. */
    FakeSrvResolver answer(String name, Duration timeToLive, SrvTarget... targets) {
        failures.remove(name);
        answers.put(name, new SrvAnswer(List.of(targets), Optional.of(timeToLive)));
        return this;
    }

    /** From now on the answer for {@code name} carries these addresses of {@code host} in its additional section. */
    FakeSrvResolver additional(String name, String host, Duration timeToLive, String... literals) {
        SrvAnswer answer = answers.get(name);
        List<AddressRecord> additional = new ArrayList<>(answer.additional());
        Arrays.stream(literals).forEach(literal -> additional.add(new AddressRecord(host, ip(literal), timeToLive)));
        answers.put(name, new SrvAnswer(answer.targets(), answer.timeToLive(), additional));
        return this;
    }

    /** From now on {@code name} does not exist (NXDOMAIN, without an SOA record). */
    FakeSrvResolver noSuchName(String name) {
        failures.remove(name);
        answers.remove(name);
        return this;
    }

    /** From now on a query for {@code name} fails as a timeout or a SERVFAIL would. */
    FakeSrvResolver fail(String name, String message) {
        failures.put(name, new IOException(message));
        return this;
    }

    /** From now on {@code host} has these addresses, IPv4 ones as A records and IPv6 ones as AAAA, with this TTL. */
    FakeSrvResolver addresses(String host, Duration timeToLive, String... literals) {
        for (StandardProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            List<InetAddress> ofFamily = Arrays.stream(literals).map(FakeSrvResolver::ip)
                    .filter(address -> (address instanceof Inet4Address) == (family == StandardProtocolFamily.INET))
                    .toList();
            String key = key(host, family);
            failures.remove(key);
            addresses.put(key, new AddressAnswer(ofFamily, ofFamily.isEmpty() ? Optional.empty() : Optional.of(timeToLive)));
        }
        return this;
    }

    /** From now on {@code host} has no addresses, and says so for {@code negativeTimeToLive} (its zone's SOA). */
    FakeSrvResolver noAddresses(String host, Duration negativeTimeToLive) {
        for (StandardProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            String key = key(host, family);
            failures.remove(key);
            addresses.put(key, new AddressAnswer(List.of(), Optional.of(negativeTimeToLive)));
        }
        return this;
    }

    /** From now on a query for the A records of {@code host} fails. */
    FakeSrvResolver failAddresses(String host, String message) {
        failures.put(key(host, StandardProtocolFamily.INET), new IOException(message));
        return this;
    }

    private static String key(String host, StandardProtocolFamily family) {
        return (family == StandardProtocolFamily.INET ? "A " : "AAAA ") + host;
    }

    @Override
    public synchronized SrvAnswer query(String name) throws IOException {
        queried.add(name);
        IOException failure = failures.get(name);
        if (failure != null) {
            throw failure;
        }
        return answers.getOrDefault(name, new SrvAnswer(List.of(), Optional.empty()));
    }

    @Override
    public synchronized AddressAnswer addresses(String host, StandardProtocolFamily family) throws IOException {
        String key = key(host, family);
        queried.add(key);
        IOException failure = failures.get(key);
        if (failure != null) {
            throw failure;
        }
        return addresses.getOrDefault(key, new AddressAnswer(List.of(), Optional.empty()));
    }

    @Override
    public String describeServers() {
        return "DNS server 192.0.2.53:53";
    }

    synchronized List<String> queried() {
        return List.copyOf(queried);
    }
}
