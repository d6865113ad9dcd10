package org.etcdgateway.discovery.srv;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.discovery.DiscoveryException;
import org.etcdgateway.discovery.refresh.RefreshingDiscovery;
import org.etcdgateway.discovery.srv.SrvResolver.AddressAnswer;
import org.etcdgateway.discovery.srv.SrvResolver.SrvAnswer;
import org.etcdgateway.discovery.srv.SrvResolver.SrvTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full SRV lookup, as the dns-srv provider does it and as any provider that takes its seeds
 * from SRV records can reuse it: both record names asked, plain targets dropped unless
 * {@code insecure}, targets' names resolved through the same DNS servers when they are to be
 * dialled by address, secure targets checked against the trusted CAs when there are some, and
 * the time of the next lookup taken from the answers' TTLs.
 *
 * <p>Lookups are serialised: one instance may be shared by threads, but it keeps what it last
 * logged so that a dropped, unresolvable or refused target is logged when that changes, not on
 * every lookup.
 */
public final class SrvEndpointLookup {

    private static final Logger log = LoggerFactory.getLogger(SrvEndpointLookup.class);

    /** Where the endpoints say they came from. */
    static final String SOURCE = DnsSrvDiscoveryProvider.NAME;

    /** One order for every answer, so that the same records served in another order are the same set. */
    private static final Comparator<Endpoint> ORDER = Comparator.comparingInt(Endpoint::priority)
            .thenComparing(Endpoint::host)
            .thenComparingInt(Endpoint::port)
            .thenComparing(Endpoint::secure)
            .thenComparingInt(Endpoint::weight);

    /**
     * Which of a name's addresses is dialled: the least, rather than the first of the answer, so
     * that a server rotating its answers (round-robin DNS) does not make a new endpoint set at
     * every lookup.
     */
    private static final Comparator<InetAddress> ADDRESS_ORDER =
            (left, right) -> Arrays.compareUnsigned(left.getAddress(), right.getAddress());

    /** What an endpoint's host is made of from its SRV target. */
    enum TargetHosts {
        /** The target's name, resolved by whoever dials it, with the system's resolvers. */
        NAMES,
        /**
         * One address of the target's name, resolved through the same DNS servers as the SRV
         * records: a name only they know (an operator's private zone) resolves nowhere else.
         */
        ADDRESSES
    }

    private final DnsSrvDiscoveryProvider.Settings settings;
    private final SrvResolver resolver;
    private final Optional<TlsCheck> tlsCheck;
    private final TargetHosts targetHosts;
    /** What the last lookup logged about; guarded by {@code this}. */
    private Set<String> lastDropped = Set.of();
    private Set<String> lastUnresolved = Set.of();
    private Map<String, String> lastRefused = Map.of();
    private List<String> lastResolved = List.of();

    /**
     * A lookup that asks the configured DNS servers and, with a CA file, checks secure targets
     * with TLS handshakes. Its endpoints name their targets by name, to be resolved when
     * dialled: what a client needs that checks the name it dials against a certificate, as an
     * HTTPS client does.
     */
    public SrvEndpointLookup(DnsSrvDiscoveryProvider.Settings settings) {
        this(settings, TargetHosts.NAMES);
    }

    /** As {@link #SrvEndpointLookup(DnsSrvDiscoveryProvider.Settings)}, the endpoints' hosts made as {@code targetHosts} says. */
    SrvEndpointLookup(DnsSrvDiscoveryProvider.Settings settings, TargetHosts targetHosts) {
        this(settings, new DnsJavaSrvResolver(settings.dnsServers(), settings.lookupTimeout()),
                settings.trustedCaFile().map(file -> new TlsHandshakeCheck(file.certificates(), settings.tlsHandshakeTimeout())),
                targetHosts);
    }

    SrvEndpointLookup(DnsSrvDiscoveryProvider.Settings settings, SrvResolver resolver, Optional<TlsCheck> tlsCheck,
            TargetHosts targetHosts) {
        this.settings = settings;
        this.resolver = resolver;
        this.tlsCheck = tlsCheck;
        this.targetHosts = targetHosts;
    }

    /**
     * Looks both record names up once. A name without records is normal (most domains publish
     * only one of the two), and so is a target whose name has no address (it is left out); an
     * error on any query fails the whole lookup, so that a caller keeps its last good set rather
     * than half of it.
     *
     * @throws IOException        when a DNS query failed or timed out
     * @throws DiscoveryException when the answers hold no usable endpoint, saying why
     */
    public synchronized RefreshingDiscovery.Lookup lookup() throws IOException, DiscoveryException {
        SrvAnswer secure = resolver.query(settings.secureRecordName());
        SrvAnswer plain = resolver.query(settings.plainRecordName());
        if (secure.targets().isEmpty() && plain.targets().isEmpty()) {
            throw new DiscoveryException("neither " + settings.secureRecordName() + " nor " + settings.plainRecordName()
                    + " has SRV records");
        }

        List<Duration> timesToLive = new ArrayList<>();
        secure.timeToLive().ifPresent(timesToLive::add);
        plain.timeToLive().ifPresent(timesToLive::add);
        List<Located> located = new ArrayList<>();
        Set<String> unresolved = new LinkedHashSet<>();
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        Set<String> passed = new LinkedHashSet<>();
        for (SrvTarget target : secure.targets()) {
            Optional<Located> at = locate(secure, target, timesToLive);
            if (at.isEmpty()) {
                unresolved.add(target.authority() + " of " + settings.secureRecordName());
                continue;
            }
            located.add(at.get());
            Optional<String> failure = tlsFailure(at.get());
            if (failure.isPresent()) {
                refused.put(at.get().describe(), failure.get());
            } else {
                passed.add(at.get().describe());
                endpoints.add(at.get().endpoint(true));
            }
        }
        Set<String> dropped = new LinkedHashSet<>();
        for (SrvTarget target : plain.targets()) {
            if (!settings.insecure()) {
                dropped.add(target.authority());
                continue;
            }
            Optional<Located> at = locate(plain, target, timesToLive);
            if (at.isEmpty()) {
                unresolved.add(target.authority() + " of " + settings.plainRecordName());
                continue;
            }
            located.add(at.get());
            endpoints.add(at.get().endpoint(false));
        }
        logResolved(located);
        logUnresolved(unresolved);
        logDropped(dropped);
        logRefused(refused, passed);
        if (endpoints.isEmpty()) {
            throw new DiscoveryException(describeNothingUsable(unresolved, dropped, refused));
        }
        // Two names with the same address make the same endpoint: it is one member, used once.
        List<Endpoint> distinct = endpoints.stream().sorted(ORDER).distinct().toList();
        return new RefreshingDiscovery.Lookup(distinct, nextLookupIn(timesToLive));
    }

    /**
     * The least of the answers' TTLs, within [min-ttl, max-ttl]: the first record to expire is
     * the first that may have changed. Answers without a TTL leave it to max-ttl.
     */
    private Duration nextLookupIn(List<Duration> timesToLive) {
        Duration least = timesToLive.stream().min(Comparator.naturalOrder()).orElse(settings.maximumTtl());
        if (least.compareTo(settings.minimumTtl()) < 0) {
            return settings.minimumTtl();
        }
        return least.compareTo(settings.maximumTtl()) > 0 ? settings.maximumTtl() : least;
    }

    /**
     * Where {@code target} is dialled, or empty when it is to be dialled by address and its name
     * has none. The TTLs of the address records it rests on go into {@code timesToLive}.
     */
    private Optional<Located> locate(SrvAnswer answer, SrvTarget target, List<Duration> timesToLive) throws IOException {
        if (targetHosts == TargetHosts.NAMES) {
            return Optional.of(new Located(target, Optional.empty()));
        }
        AddressAnswer addresses = addresses(answer, target.host());
        addresses.timeToLive().ifPresent(timesToLive::add);
        // One endpoint per target, not one per address: a target is one member, and the SRV
        // record's weight is its share; a member with an IPv4 and an IPv6 address, as endpoints,
        // would take two shares and count twice among the failed. Dialling one address is also
        // what resolving the name at dial time did.
        return addresses.addresses().stream().min(ADDRESS_ORDER).map(address -> new Located(target, Optional.of(address)));
    }

    /**
     * The addresses of {@code host}, IPv4 first: its A records, or when it has none its AAAA
     * records; each from the SRV answer's additional section when it carries them, else asked
     * for. With neither, the TTL is the least of the two negative answers: when the name may have
     * gained an address.
     */
    private AddressAnswer addresses(SrvAnswer answer, String host) throws IOException {
        AddressAnswer ipv4 = addresses(answer, host, StandardProtocolFamily.INET);
        if (!ipv4.addresses().isEmpty()) {
            return ipv4;
        }
        AddressAnswer ipv6 = addresses(answer, host, StandardProtocolFamily.INET6);
        if (!ipv6.addresses().isEmpty()) {
            return ipv6;
        }
        return new AddressAnswer(List.of(), Stream.of(ipv4.timeToLive(), ipv6.timeToLive())
                .flatMap(Optional::stream)
                .min(Comparator.naturalOrder()));
    }

    private AddressAnswer addresses(SrvAnswer answer, String host, StandardProtocolFamily family) throws IOException {
        Optional<AddressAnswer> additional = answer.additionalAddresses(host, family);
        return additional.isPresent() ? additional.get() : resolver.addresses(host, family);
    }

    private Optional<String> tlsFailure(Located target) {
        if (tlsCheck.isEmpty()) {
            return Optional.empty();
        }
        try {
            tlsCheck.get().check(target.target().host(), target.socketAddress());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    /** Which name is which address, when names are resolved here: endpoints, and their log lines, show only the address. */
    private void logResolved(List<Located> located) {
        if (targetHosts == TargetHosts.NAMES) {
            return;
        }
        List<String> resolved = located.stream().map(Located::describe).distinct().sorted().toList();
        if (!resolved.isEmpty() && !resolved.equals(lastResolved)) {
            log.info("discovery {}: target addresses from {}: {}", SOURCE, resolver.describeServers(), String.join(", ", resolved));
        }
        lastResolved = resolved;
    }

    private void logUnresolved(Set<String> unresolved) {
        unresolved.stream().filter(target -> !lastUnresolved.contains(target)).forEach(target ->
                log.warn("discovery {}: leaving out {}: its name has no A or AAAA record at {}",
                        SOURCE, target, resolver.describeServers()));
        lastUnresolved = Set.copyOf(unresolved);
    }

    private void logDropped(Set<String> dropped) {
        if (!dropped.isEmpty() && !dropped.equals(lastDropped)) {
            log.warn("discovery {}: dropping {} plain target(s) of {}: {}; plain targets are used only with"
                    + " --insecure-discovery (gateway.discovery.dns-srv.insecure = true)",
                    SOURCE, dropped.size(), settings.plainRecordName(), String.join(", ", dropped));
        }
        lastDropped = Set.copyOf(dropped);
    }

    private void logRefused(Map<String, String> refused, Set<String> passed) {
        String caFile = settings.trustedCaFile().map(file -> file.path().toString()).orElse("");
        refused.forEach((target, reason) -> {
            if (!reason.equals(lastRefused.get(target))) {
                log.warn("discovery {}: leaving out {} of {}: its TLS check against {} failed: {}",
                        SOURCE, target, settings.secureRecordName(), caFile, reason);
            }
        });
        passed.stream().filter(lastRefused::containsKey)
                .forEach(target -> log.info("discovery {}: {} passes its TLS check against {} now; using it",
                        SOURCE, target, caFile));
        lastRefused = Map.copyOf(refused);
    }

    private String describeNothingUsable(Set<String> unresolved, Set<String> dropped, Map<String, String> refused) {
        List<String> reasons = new ArrayList<>();
        if (!unresolved.isEmpty()) {
            reasons.add("target(s) whose name has no A or AAAA record at " + resolver.describeServers() + ": "
                    + String.join(", ", unresolved));
        }
        if (!refused.isEmpty()) {
            reasons.add("secure target(s) failing the TLS check against "
                    + settings.trustedCaFile().map(file -> file.path().toString()).orElse("") + ": "
                    + refused.entrySet().stream().map(entry -> entry.getKey() + " (" + entry.getValue() + ")")
                    .collect(Collectors.joining(", ")));
        }
        if (!dropped.isEmpty()) {
            reasons.add("plain target(s) " + String.join(", ", dropped)
                    + ", dropped without --insecure-discovery (gateway.discovery.dns-srv.insecure = true)");
        }
        return "no usable target: " + String.join("; ", reasons);
    }

    /** How long to wait after a failed lookup: min-ttl, the least time between two lookups. */
    public Duration retryDelay() {
        return settings.minimumTtl();
    }

    /** What is looked up and where, for messages: the record names and the DNS servers. */
    public String describeSource() {
        return "SRV records " + settings.secureRecordName() + " and " + settings.plainRecordName() + " at "
                + resolver.describeServers();
    }

    /**
     * A target and where it is dialled.
     *
     * @param address the address its name resolved to here; empty to dial the name itself
     */
    private record Located(SrvTarget target, Optional<InetAddress> address) {

        /** The endpoint's host: the address, as an IP literal, or the name. */
        String host() {
            return address.map(ip -> HostAndPort.of(new InetSocketAddress(ip, target.port())).host()).orElse(target.host());
        }

        InetSocketAddress socketAddress() {
            return address.map(ip -> new InetSocketAddress(ip, target.port()))
                    .orElseGet(() -> InetSocketAddress.createUnresolved(target.host(), target.port()));
        }

        /** {@code m1.example.com:2379 (10.0.0.1)}, or {@code m1.example.com:2379} for a name: how log lines name it. */
        String describe() {
            return target.authority() + (address.isPresent() ? " (" + host() + ")" : "");
        }

        Endpoint endpoint(boolean secure) {
            // DNS allows weight 0 ("very small chance of selection", RFC 2782); an endpoint's weight
            // is at least 1, and 1 is the smallest share a policy can give.
            int weight = Math.max(Endpoint.DEFAULT_WEIGHT, target.weight());
            return new Endpoint(host(), target.port(), secure, target.priority(), weight, SOURCE);
        }
    }
}
