package org.etcdgateway.discovery.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.etcdgateway.discovery.http.BadAnswerException;
import org.junit.jupiter.api.Test;

class RegistrationsTest {

    private static final String TOKEN = "/_etcd/registry/token";

    @Test
    void aValueIsTheMembersInitialClusterEntry() throws BadAnswerException {
        assertThat(registration("infra0=http://10.0.1.10:2380").peerUrls()).containsExactly("http://10.0.1.10:2380");
    }

    @Test
    void severalPeerUrlsComeAsOnePairEachAsEtcdWritesThemOrAfterOneName() throws BadAnswerException {
        assertThat(registration("infra0=http://10.0.1.10:2380,infra0=https://[fd00::10]:2380").peerUrls())
                .containsExactly("http://10.0.1.10:2380", "https://[fd00::10]:2380");
        assertThat(registration("infra0=http://10.0.1.10:2380, http://10.0.2.10:2380").peerUrls())
                .containsExactly("http://10.0.1.10:2380", "http://10.0.2.10:2380");
    }

    @Test
    void aValueWithoutAPeerUrlIsABadAnswerNamingTheKey() {
        for (String value : List.of("", "infra0=", "infra0=10.0.1.10:2380", "infra0=ftp://10.0.1.10:2380", "infra0=http://:2380",
                "infra0=http://10.0.1.10:2380,")) {
            assertThatThrownBy(() -> registration(value).peerUrls()).as(value)
                    .isInstanceOf(BadAnswerException.class)
                    .hasMessage("the member registered at " + TOKEN + "/1 has the value \"" + value
                            + "\" (expected: name=http://host:port, with more ,name=http://host:port for more peer URLs)");
        }
    }

    @Test
    void theClusterIsTheFirstSizeMembersToRegister() throws BadAnswerException {
        Registrations registrations = new Registrations(2, List.of(
                new Registrations.Registration(TOKEN + "/c", 9, "late=http://10.0.0.3:2380"),
                new Registrations.Registration(TOKEN + "/b", 8, "second=http://10.0.0.2:2380"),
                new Registrations.Registration(TOKEN + "/a", 7, "first=http://10.0.0.1:2380")));

        assertThat(registrations.complete()).isTrue();
        assertThat(registrations.peerUrls()).containsExactly("http://10.0.0.1:2380", "http://10.0.0.2:2380");
    }

    @Test
    void fewerThanSizeMembersIsNotComplete() {
        Registrations registrations = new Registrations(3, List.of(registration("first=http://10.0.0.1:2380")));

        assertThat(registrations.complete()).isFalse();
    }

    private static Registrations.Registration registration(String value) {
        return new Registrations.Registration(TOKEN + "/1", 1, value);
    }
}
