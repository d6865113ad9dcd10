package org.etcdgateway.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.transport.TransportRegistry;
import org.junit.jupiter.api.Test;

/** Reading {@code gateway.transport.http}: the defaults, etcd's spellings, and every error at once. */
class HttpTransportProviderTest {

    private static final String PATH = "gateway.transport.http";

    private final HttpTransportProvider provider = new HttpTransportProvider();

    @Test
    void isRegisteredAsHttp() {
        assertThat(new TransportRegistry(getClass().getClassLoader()).get("http")).isInstanceOf(HttpTransportProvider.class);
    }

    @Test
    void theDefaultsAreEtcdsProxyDefaults() throws Exception {
        HttpSettings settings = parse("");
        assertThat(settings.listenAddresses()).containsExactly(new HostAndPort("127.0.0.1", 2379));
        assertThat(settings.readOnly()).isFalse();
        assertThat(settings.failureWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.dialTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.writeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.readTimeout()).isZero();
        assertThat(settings.maxRequestBody()).isEqualTo(16 * 1024 * 1024);
        assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.ioThreads()).isZero();
        assertThat(settings.ioEngine()).isEqualTo("auto");
        assertThat(settings.writesToLeader()).as("writes to the leader: the gateway's own, on by default").isTrue();
        assertThat(settings.leaderCheckInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void writesToTheLeaderCanBeTurnedOffAndItsIntervalSet() throws Exception {
        HttpSettings settings = parse("writes-to-leader = false\nleader-check-interval = 250ms");
        assertThat(settings.writesToLeader()).isFalse();
        assertThat(settings.leaderCheckInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void takesEachIoEngineThisMachineRuns() throws Exception {
        for (String engine : List.of("auto", "io_uring", "epoll", "nio")) {
            assertThat(parse("io-engine = " + engine).ioEngine()).isEqualTo(engine);
        }
    }

    @Test
    void takesEtcdsSpellings() throws Exception {
        HttpSettings settings = parse("""
                listen-client-urls = "http://127.0.0.1:0,http://[::1]:22379/"
                mode = readonly
                failure-wait = "2500ms"
                dial-timeout = "200ms"
                write-timeout = "0ms"
                read-timeout = "60000ms"
                max-request-body = 1048576
                """);
        assertThat(settings.listenAddresses()).containsExactly(new HostAndPort("127.0.0.1", 0), new HostAndPort("::1", 22379));
        assertThat(settings.readOnly()).isTrue();
        assertThat(settings.failureWait()).isEqualTo(Duration.ofMillis(2500));
        assertThat(settings.dialTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.writeTimeout()).isZero();
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.maxRequestBody()).isEqualTo(1024 * 1024);
    }

    @Test
    void reportsEveryErrorAtOnce() {
        assertThatThrownBy(() -> parse("""
                listen-client-urls = ["https://127.0.0.1:2379", "127.0.0.1:2379", "http://127.0.0.1:2379/v2"]
                mode = off
                failure-wait = 0
                dial-timeout = 2h
                read-timeout = "-5ms"
                max-request-body = "lots"
                io-threads = -1
                io-engine = kqueue
                writes-to-leader = sometimes
                leader-check-interval = 0s
                """))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    List<String> messages = e.errors().stream().map(ConfigError::message).toList();
                    assertThat(messages).hasSize(12);
                    assertThat(messages).anySatisfy(message -> assertThat(message)
                            .contains(PATH + ".listen-client-urls: \"https://127.0.0.1:2379\"")
                            .contains("TLS listening (https://) is not supported yet"));
                    assertThat(messages).anySatisfy(message -> assertThat(message)
                            .contains("\"127.0.0.1:2379\" (expected: http://host:port URLs"));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains("without a path"));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".mode: \"off\""));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".failure-wait"));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".dial-timeout"));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".read-timeout"));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".max-request-body: \"lots\""));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".io-threads"));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".writes-to-leader: \"sometimes\""));
                    assertThat(messages).anySatisfy(message -> assertThat(message).contains(PATH + ".leader-check-interval"));
                    assertThat(messages).anySatisfy(message -> assertThat(message)
                            .contains(PATH + ".io-engine: \"kqueue\" (expected: auto (the fastest this machine runs) or one of io_uring, epoll, nio)"));
                });
    }

    private HttpSettings parse(String overrides) throws InvalidConfigException {
        Config config = ConfigFactory.parseString(overrides).atPath(PATH)
                .withFallback(ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf"))
                .resolve();
        return provider.parseSettings(SettingsReader.of(config, PATH));
    }
}
