package org.etcdgateway.discovery.srv;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.etcdgateway.api.HostAndPort;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Queries DNS servers with dnsjava. Sends the query itself and reads the answer section, rather
 * than going through dnsjava's {@code Lookup}, for two reasons: the TTLs of the records are
 * needed to know when to look again, and a {@code Lookup} answers from a cache of its own. The
 * additional section of an SRV answer is read too, for the addresses of the targets a server
 * sends along unasked.
 */
final class DnsJavaSrvResolver implements SrvResolver {

    private final List<HostAndPort> servers;
    private final Duration timeout;

    /**
     * @param servers the servers to ask, each in turn until one answers; empty for the system's
     *                resolvers ({@code /etc/resolv.conf})
     * @param timeout how long one query may take, over all servers
     */
    DnsJavaSrvResolver(List<HostAndPort> servers, Duration timeout) {
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    @Override
    public SrvAnswer query(String name) throws IOException {
        return interpret(name, send(name, Type.SRV), describeServers());
    }

    @Override
    public AddressAnswer addresses(String host, StandardProtocolFamily family) throws IOException {
        int type = family == StandardProtocolFamily.INET6 ? Type.AAAA : Type.A;
        return interpretAddresses(host, type, send(host, type), describeServers());
    }

    private Message send(String name, int type) throws IOException {
        Message query = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
        try {
            return resolver().send(query);
        } catch (IOException e) {
            throw new IOException("no answer for " + Type.string(type) + " " + name + " from " + describeServers() + ": "
                    + reason(e), e);
        }
    }

    /** Why a query got no answer: dnsjava's failures often carry no message of their own. */
    static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PortUnreachableException) {
                return "port unreachable (no DNS server listens there)";
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                return cause.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    /** The answer in {@code response} to the query for {@code name}; package-private for tests. */
    static SrvAnswer interpret(String name, Message response, String servers) throws IOException {
        checkRcode("SRV " + name, response, servers);
        List<SrvTarget> targets = new ArrayList<>();
        long leastTtl = Long.MAX_VALUE;
        // Every record of the answer counts for its TTL, a CNAME on the way to the SRV records too.
        for (org.xbill.DNS.Record record : response.getSection(Section.ANSWER)) {
            leastTtl = Math.min(leastTtl, record.getTTL());
            // A target of "." says the service is not offered there (RFC 2782).
            if (record instanceof SRVRecord srv && !srv.getTarget().equals(Name.root)) {
                targets.add(new SrvTarget(srv.getTarget().toString(true), srv.getPort(), srv.getPriority(), srv.getWeight()));
            }
        }
        if (targets.isEmpty()) {
            return new SrvAnswer(List.of(), negativeTimeToLive(response));
        }
        List<AddressRecord> additional = new ArrayList<>();
        for (org.xbill.DNS.Record record : response.getSection(Section.ADDITIONAL)) {
            address(record).ifPresent(address -> additional.add(
                    new AddressRecord(record.getName().toString(true), address, Duration.ofSeconds(record.getTTL()))));
        }
        return new SrvAnswer(targets, Optional.of(Duration.ofSeconds(leastTtl)), additional);
    }

    /** The answer in {@code response} to the query for the {@code type} records of {@code host}; package-private for tests. */
    static AddressAnswer interpretAddresses(String host, int type, Message response, String servers) throws IOException {
        checkRcode(Type.string(type) + " " + host, response, servers);
        List<InetAddress> addresses = new ArrayList<>();
        long leastTtl = Long.MAX_VALUE;
        for (org.xbill.DNS.Record record : response.getSection(Section.ANSWER)) {
            leastTtl = Math.min(leastTtl, record.getTTL());
            if (record.getType() == type) {
                address(record).ifPresent(addresses::add);
            }
        }
        if (addresses.isEmpty()) {
            return new AddressAnswer(List.of(), negativeTimeToLive(response));
        }
        return new AddressAnswer(addresses, Optional.of(Duration.ofSeconds(leastTtl)));
    }

    /** Returns quietly for NOERROR and NXDOMAIN, which are answers; any other rcode is a failure. */
    private static void checkRcode(String question, Message response, String servers) throws IOException {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new IOException(Rcode.string(rcode) + " for " + question + " from " + servers);
        }
    }

    private static Optional<InetAddress> address(org.xbill.DNS.Record record) {
        if (record instanceof ARecord a) {
            return Optional.of(a.getAddress());
        }
        if (record instanceof AAAARecord aaaa) {
            return Optional.of(aaaa.getAddress());
        }
        return Optional.empty();
    }

    /** How long "no such records" may be believed: the SOA's TTL capped by its minimum field (RFC 2308). */
    private static Optional<Duration> negativeTimeToLive(Message response) {
        return response.getSection(Section.AUTHORITY).stream()
                .filter(SOARecord.class::isInstance)
                .map(SOARecord.class::cast)
                .map(soa -> Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum())))
                .findFirst();
    }

    /**
     * A resolver for this one query. Every server gets an equal share of the timeout and one try,
     * so that a dead first server leaves time to ask the next.
     */
    private Resolver resolver() throws IOException {
        List<InetSocketAddress> addresses = addresses();
        Duration perServer = timeout.dividedBy(addresses.size());
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            SimpleResolver resolver = new SimpleResolver(address);
            resolver.setTimeout(perServer);
            resolvers.add(resolver);
        }
        ExtendedResolver resolver = new ExtendedResolver(resolvers);
        resolver.setTimeout(timeout);
        resolver.setRetries(1);
        return resolver;
    }

    /** The servers' addresses, names resolved now, as endpoints are resolved when dialled. */
    private List<InetSocketAddress> addresses() throws IOException {
        if (servers.isEmpty()) {
            List<InetSocketAddress> system = ResolverConfig.getCurrentConfig().servers();
            if (system.isEmpty()) {
                throw new IOException("the system has no DNS servers configured (/etc/resolv.conf); set --discovery-dns-server");
            }
            return system;
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (HostAndPort server : servers) {
            InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve the DNS server's name " + server.host());
            }
            addresses.add(address);
        }
        return addresses;
    }

    @Override
    public String describeServers() {
        if (servers.isEmpty()) {
            return "the system's DNS servers " + ResolverConfig.getCurrentConfig().servers().stream()
                    .map(address -> HostAndPort.of(address).toString())
                    .collect(Collectors.joining(", ", "(", ")"));
        }
        return (servers.size() == 1 ? "DNS server " : "DNS servers ")
                + servers.stream().map(HostAndPort::toString).collect(Collectors.joining(", "));
    }
}
