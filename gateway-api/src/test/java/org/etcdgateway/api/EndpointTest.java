package org.etcdgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:2379              | 127.0.0.1   | 2379 | false",
        "http://10.0.0.1:2379        | 10.0.0.1    | 2379 | false",
        "https://etcd-0.example:2379 | etcd-0.example | 2379 | true",
        "HTTPS://etcd-0:2379/        | etcd-0      | 2379 | true",
        "[::1]:2379                  | ::1         | 2379 | false",
        "http://[fe80::1%eth0]:2379  | fe80::1%eth0 | 2379 | false",
        "localhost:1                 | localhost   | 1    | false",
    })
    void parsesWhatEtcdsEndpointsFlagTakes(String text, String host, int port, boolean secure) {
        Endpoint endpoint = Endpoint.parse(text, "test");
        assertThat(endpoint.host()).isEqualTo(host);
        assertThat(endpoint.port()).isEqualTo(port);
        assertThat(endpoint.secure()).isEqualTo(secure);
        assertThat(endpoint.weight()).isEqualTo(1);
        assertThat(endpoint.priority()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1                 | with a port",
        "127.0.0.1:                | a port after ':'",
        "127.0.0.1:http            | a port number from 0 to 65535",
        "127.0.0.1:70000           | a port number from 0 to 65535",
        "127.0.0.1:0               | from 1 to 65535",
        "::1:2379                  | IPv6 address in brackets",
        "[::1]                     | a port after the address",
        "[::1:2379                 | closing ']'",
        "unix:///var/run/etcd.sock | not unix://",
        "http://10.0.0.1:2379/v3   | without a path",
        ":2379                     | a host before the port",
        "bad host:2379             | a host name or an IPv4 address",
    })
    void refusesWhatCannotBeDialledAndSaysWhy(String text, String expected) {
        assertThatThrownBy(() -> Endpoint.parse(text, "test"))
                .isInstanceOf(AddressFormatException.class)
                .hasMessageContaining("\"" + text + "\"")
                .hasMessageContaining(expected);
    }

    @Test
    void printsIpv6InBracketsSoItReadsBack() {
        Endpoint endpoint = Endpoint.parse("[::1]:2379", "test");
        assertThat(endpoint.authority()).isEqualTo("[::1]:2379");
        assertThat(HostAndPort.parse(endpoint.address().toString())).isEqualTo(endpoint.address());
    }

    @ParameterizedTest
    @CsvSource({
        "::1, ::1", "0:0:0:0:0:0:0:0, ::", "fe80:0:0:0:1:0:0:2, fe80::1:0:0:2", "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3", "127.0.0.1, 127.0.0.1",
    })
    void namesBoundAddressesInTheirShortForm(String ip, String expected) throws Exception {
        var address = new java.net.InetSocketAddress(java.net.InetAddress.getByName(ip), 23790);
        assertThat(HostAndPort.of(address).host()).isEqualTo(expected);
    }

    @Test
    void checksItsFields() {
        assertThatThrownBy(() -> new Endpoint("h", 2379, false, 0, 0, "test")).hasMessageContaining("weight: 0");
        assertThatThrownBy(() -> new Endpoint("h", 2379, false, -1, 1, "test")).hasMessageContaining("priority: -1");
        assertThatThrownBy(() -> new Endpoint("h", 0, false, 0, 1, "test")).hasMessageContaining("port: 0");
    }

    @Test
    void equalOnlyWhenEveryFieldIs() {
        Endpoint endpoint = new Endpoint("10.0.0.1", 2379, false, 0, 1, "static");
        Endpoint same = new Endpoint(new String("10.0.0.1"), 2379, false, 0, 1, new String("static"));
        assertThat(endpoint).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(endpoint).isNotEqualTo(new Endpoint("10.0.0.2", 2379, false, 0, 1, "static"))
                .isNotEqualTo(new Endpoint("10.0.0.1", 2380, false, 0, 1, "static"))
                .isNotEqualTo(new Endpoint("10.0.0.1", 2379, true, 0, 1, "static"))
                .isNotEqualTo(new Endpoint("10.0.0.1", 2379, false, 1, 1, "static"))
                .isNotEqualTo(new Endpoint("10.0.0.1", 2379, false, 0, 2, "static"))
                .isNotEqualTo(new Endpoint("10.0.0.1", 2379, false, 0, 1, "dns-srv"))
                .isNotEqualTo(null)
                .isNotEqualTo("10.0.0.1:2379");
    }
}
