package org.etcdgateway.discovery.srv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.discovery.srv.SrvResolver.AddressAnswer;
import org.etcdgateway.discovery.srv.SrvResolver.AddressRecord;
import org.etcdgateway.discovery.srv.SrvResolver.SrvAnswer;
import org.etcdgateway.discovery.srv.SrvResolver.SrvTarget;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** How answers are read: built here as a DNS server would send them. */
class DnsJavaSrvResolverTest {

    private static final String NAME = "_etcd-client._tcp.example.com";
    private static final String SERVERS = "DNS server 192.0.2.53:53";

    private static Name name(String text) throws TextParseException {
        return Name.fromString(text, Name.root);
    }

    private static Message response(int rcode) {
        Message response = new Message();
        response.getHeader().setRcode(rcode);
        return response;
    }

    private static SRVRecord srv(String owner, long ttl, int priority, int weight, int port, String target) throws TextParseException {
        return new SRVRecord(name(owner), DClass.IN, ttl, priority, weight, port, name(target));
    }

    private static SOARecord soa(long ttl, long minimum) throws TextParseException {
        return new SOARecord(name("example.com"), DClass.IN, ttl, name("ns.example.com"), name("admin.example.com"),
                1, 3600, 600, 86400, minimum);
    }

    @Test
    void readsEveryRecordWithTheLeastTtl() throws IOException {
        Message response = response(Rcode.NOERROR);
        response.addRecord(srv(NAME, 300, 10, 60, 2379, "m1.example.com"), Section.ANSWER);
        response.addRecord(srv(NAME, 120, 20, 0, 2380, "m2.example.com"), Section.ANSWER);

        SrvAnswer answer = DnsJavaSrvResolver.interpret(NAME, response, SERVERS);

        assertThat(answer.targets()).containsExactly(new SrvTarget("m1.example.com", 2379, 10, 60),
                new SrvTarget("m2.example.com", 2380, 20, 0));
        assertThat(answer.timeToLive()).contains(Duration.ofSeconds(120));
    }

    @Test
    void aCnameOnTheWayCountsForTheTtl() throws IOException {
        Message response = response(Rcode.NOERROR);
        response.addRecord(new CNAMERecord(name(NAME), DClass.IN, 15, name("_etcd-client._tcp.elsewhere.com")), Section.ANSWER);
        response.addRecord(srv("_etcd-client._tcp.elsewhere.com", 300, 0, 1, 2379, "m1.elsewhere.com"), Section.ANSWER);

        SrvAnswer answer = DnsJavaSrvResolver.interpret(NAME, response, SERVERS);

        assertThat(answer.targets()).extracting(SrvTarget::host).containsExactly("m1.elsewhere.com");
        assertThat(answer.timeToLive()).contains(Duration.ofSeconds(15));
    }

    @Test
    void aTargetOfRootMeansNoServiceThere() throws IOException {
        Message response = response(Rcode.NOERROR);
        response.addRecord(srv(NAME, 60, 0, 0, 0, "."), Section.ANSWER);

        assertThat(DnsJavaSrvResolver.interpret(NAME, response, SERVERS).targets()).isEmpty();
    }

    @Test
    void aNameThatDoesNotExistIsAnAnswerWithoutTargetsAndTheZonesNegativeTtl() throws IOException {
        Message response = response(Rcode.NXDOMAIN);
        response.addRecord(soa(3600, 90), Section.AUTHORITY);

        SrvAnswer answer = DnsJavaSrvResolver.interpret(NAME, response, SERVERS);

        assertThat(answer.targets()).isEmpty();
        assertThat(answer.timeToLive()).contains(Duration.ofSeconds(90));
    }

    @Test
    void aNameWithoutSrvRecordsIsAnAnswerWithoutTargets() throws IOException {
        SrvAnswer answer = DnsJavaSrvResolver.interpret(NAME, response(Rcode.NOERROR), SERVERS);

        assertThat(answer).isEqualTo(new SrvAnswer(List.of(), Optional.empty()));
    }

    @Test
    void anErrorAnswerIsAFailureNamingTheRcodeTheNameAndTheServers() {
        assertThatThrownBy(() -> DnsJavaSrvResolver.interpret(NAME, response(Rcode.SERVFAIL), SERVERS))
                .isInstanceOf(IOException.class)
                .hasMessage("SERVFAIL for SRV " + NAME + " from " + SERVERS);
        assertThatThrownBy(() -> DnsJavaSrvResolver.interpret(NAME, response(Rcode.REFUSED), SERVERS))
                .hasMessageStartingWith("REFUSED");
    }

    @Test
    void readsTheAddressesOfTheAdditionalSection() throws IOException {
        Message response = response(Rcode.NOERROR);
        response.addRecord(srv(NAME, 300, 0, 1, 2379, "m1.example.com"), Section.ANSWER);
        response.addRecord(new ARecord(name("m1.example.com"), DClass.IN, 40, FakeSrvResolver.ip("10.0.0.1")), Section.ADDITIONAL);
        response.addRecord(new AAAARecord(name("m1.example.com"), DClass.IN, 50, FakeSrvResolver.ip("2001:db8::1")),
                Section.ADDITIONAL);

        SrvAnswer answer = DnsJavaSrvResolver.interpret(NAME, response, SERVERS);

        assertThat(answer.additional()).containsExactly(
                new AddressRecord("m1.example.com", FakeSrvResolver.ip("10.0.0.1"), Duration.ofSeconds(40)),
                new AddressRecord("m1.example.com", FakeSrvResolver.ip("2001:db8::1"), Duration.ofSeconds(50)));
        assertThat(answer.additionalAddresses("m1.example.com", StandardProtocolFamily.INET))
                .contains(new AddressAnswer(List.of(FakeSrvResolver.ip("10.0.0.1")), Optional.of(Duration.ofSeconds(40))));
        assertThat(answer.additionalAddresses("m2.example.com", StandardProtocolFamily.INET)).isEmpty();
        // The additional records' TTLs are the targets' business, not the SRV answer's.
        assertThat(answer.timeToLive()).contains(Duration.ofSeconds(300));
    }

    @Test
    void readsAddressesWithTheLeastTtlOfTheChain() throws IOException {
        Message response = response(Rcode.NOERROR);
        response.addRecord(new CNAMERecord(name("m1.example.com"), DClass.IN, 15, name("host.example.com")), Section.ANSWER);
        response.addRecord(new ARecord(name("host.example.com"), DClass.IN, 60, FakeSrvResolver.ip("10.0.0.2")), Section.ANSWER);
        response.addRecord(new ARecord(name("host.example.com"), DClass.IN, 60, FakeSrvResolver.ip("10.0.0.1")), Section.ANSWER);

        AddressAnswer answer = DnsJavaSrvResolver.interpretAddresses("m1.example.com", Type.A, response, SERVERS);

        assertThat(answer.addresses()).containsExactly(FakeSrvResolver.ip("10.0.0.2"), FakeSrvResolver.ip("10.0.0.1"));
        assertThat(answer.timeToLive()).contains(Duration.ofSeconds(15));
    }

    @Test
    void aNameWithoutAddressesIsAnAnswerWithoutAddressesAndTheZonesNegativeTtl() throws IOException {
        Message noSuchName = response(Rcode.NXDOMAIN);
        noSuchName.addRecord(soa(3600, 90), Section.AUTHORITY);

        assertThat(DnsJavaSrvResolver.interpretAddresses("m1.example.com", Type.AAAA, noSuchName, SERVERS))
                .isEqualTo(new AddressAnswer(List.of(), Optional.of(Duration.ofSeconds(90))));
        assertThat(DnsJavaSrvResolver.interpretAddresses("m1.example.com", Type.AAAA, response(Rcode.NOERROR), SERVERS))
                .isEqualTo(new AddressAnswer(List.of(), Optional.empty()));
    }

    @Test
    void anErrorAnswerForAddressesIsAFailureNamingTheTypeTheNameAndTheServers() {
        assertThatThrownBy(() -> DnsJavaSrvResolver.interpretAddresses("m1.example.com", Type.AAAA, response(Rcode.SERVFAIL), SERVERS))
                .isInstanceOf(IOException.class)
                .hasMessage("SERVFAIL for AAAA m1.example.com from " + SERVERS);
    }

    @Test
    void describesTheConfiguredServers() {
        assertThat(new DnsJavaSrvResolver(List.of(new HostAndPort("127.0.0.1", 5353)), Duration.ofSeconds(1)).describeServers())
                .isEqualTo("DNS server 127.0.0.1:5353");
        assertThat(new DnsJavaSrvResolver(List.of(new HostAndPort("127.0.0.1", 53), new HostAndPort("::1", 53)),
                Duration.ofSeconds(1)).describeServers())
                .isEqualTo("DNS servers 127.0.0.1:53, [::1]:53");
    }

    @Test
    void aFailureWithoutAMessageIsDescribedByItsCause() {
        assertThat(DnsJavaSrvResolver.reason(new IOException(new PortUnreachableException())))
                .isEqualTo("port unreachable (no DNS server listens there)");
        assertThat(DnsJavaSrvResolver.reason(new IOException((String) null))).isEqualTo("IOException");
        assertThat(DnsJavaSrvResolver.reason(new IOException("outer", new IOException("inner")))).isEqualTo("outer");
    }

    /** The one test here with a socket: a loopback server that never answers, to hold the resolver to its timeout. */
    @Test
    void aSilentServerIsAFailureWithinTheTimeout() throws IOException {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            HostAndPort server = new HostAndPort("127.0.0.1", silent.getLocalPort());
            DnsJavaSrvResolver resolver = new DnsJavaSrvResolver(List.of(server), Duration.ofMillis(300));
            long start = System.nanoTime();

            assertThatThrownBy(() -> resolver.query(NAME))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("no answer for SRV " + NAME + " from DNS server " + server + ": ");
            assertThatThrownBy(() -> resolver.addresses("m1.example.com", StandardProtocolFamily.INET))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("no answer for A m1.example.com from DNS server " + server + ": ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
