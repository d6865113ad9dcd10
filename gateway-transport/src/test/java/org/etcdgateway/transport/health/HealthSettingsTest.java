package org.etcdgateway.transport.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.etcdgateway.api.config.ConfigError;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.transport.health.HealthSettings.Check;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Reading a transport's {@code health} block: the defaults in reference.conf, and every error at once. */
class HealthSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "http"})
    void theDefaultsAreHttpChecksEvery2sWithin1s(String transport) throws Exception {
        HealthSettings settings = parse(transport, "");

        assertThat(settings).isEqualTo(new HealthSettings(Check.HTTP, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3,
                Duration.ofSeconds(10)));
    }

    @Test
    void readsEveryKey() throws Exception {
        HealthSettings settings = parse("tcp", """
                health {
                  check = TCP
                  interval = 1m30s
                  timeout = 250ms
                  rise = 1
                  fall = 100
                  grace = 0
                }
                """);

        assertThat(settings).isEqualTo(new HealthSettings(Check.TCP, Duration.ofSeconds(90), Duration.ofMillis(250), 1, 100, Duration.ZERO));
    }

    @Test
    void noneTurnsChecksOff() throws Exception {
        assertThat(parse("http", "health.check = none").check()).isEqualTo(Check.NONE);
    }

    @Test
    void reportsEveryBadValueAtOnceNamingKeyValueAndWhatWasExpected() {
        assertThatThrownBy(() -> parse("tcp", """
                health {
                  check = sometimes
                  interval = 0
                  timeout = "-1s"
                  rise = 0
                  fall = 101
                  grace = "-5s"
                }
                """))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(messages(e)).satisfiesExactlyInAnyOrder(
                        message -> assertThat(message).startsWith("gateway.transport.tcp.health.check: \"sometimes\" (expected: none")
                                .contains("tcp", "http"),
                        message -> assertThat(message).startsWith("gateway.transport.tcp.health.interval: \"0\" (expected: a duration")
                                .contains("more than 0"),
                        message -> assertThat(message).startsWith("gateway.transport.tcp.health.timeout: \"-1s\" (expected: a duration"),
                        message -> assertThat(message).startsWith("gateway.transport.tcp.health.rise: \"0\" (expected: a whole number from 1 to 100)"),
                        message -> assertThat(message).startsWith("gateway.transport.tcp.health.fall: \"101\" (expected: a whole number from 1 to 100)"),
                        message -> assertThat(message).startsWith("gateway.transport.tcp.health.grace: \"-5s\" (expected: a duration")
                                .contains("0 or more")));
    }

    @Test
    void reportsValuesOfTheWrongKind() {
        assertThatThrownBy(() -> parse("http", """
                health {
                  check = [http]
                  interval = soon
                  rise = two
                  grace = {}
                }
                """))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(messages(e)).satisfiesExactlyInAnyOrder(
                        message -> assertThat(message).startsWith("gateway.transport.http.health.check: \"[\"http\"]\" (expected: a string)"),
                        message -> assertThat(message).startsWith("gateway.transport.http.health.interval: \"soon\""),
                        message -> assertThat(message).startsWith("gateway.transport.http.health.rise: \"two\""),
                        message -> assertThat(message).startsWith("gateway.transport.http.health.grace: \"{}\"")));
    }

    @Test
    void aTimeoutLongerThanTheIntervalIsCutToTheInterval() throws InvalidConfigException {
        HealthSettings settings = parse("tcp", "health.interval = 500ms");

        assertThat(settings.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aTimeoutOverAnHourIsAnError() {
        assertThatThrownBy(() -> parse("tcp", "health { interval = 3h, timeout = 2h }"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(messages(e)).singleElement().asString().startsWith(
                        "gateway.transport.tcp.health.timeout: \"2h\" (expected: a duration from 1ms to 1h)"));
    }

    @Test
    void aBadIntervalIsNotAlsoBlamedOnTheTimeout() {
        assertThatThrownBy(() -> parse("tcp", "health { interval = soon, timeout = 5s }"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(messages(e)).singleElement()
                        .asString().startsWith("gateway.transport.tcp.health.interval: \"soon\""));
    }

    @Test
    void itsErrorsJoinTheTransportsOwn() {
        SettingsReader reader = reader("tcp", "dial-timeout = never\nhealth.rise = 0");
        reader.positiveDuration("dial-timeout");

        HealthSettings.parse(reader);

        assertThat(reader.errors()).extracting(ConfigError::path)
                .containsExactly("gateway.transport.tcp.dial-timeout", "gateway.transport.tcp.health.rise");
    }

    @Test
    void theValueRejectsWhatTheConfigurationWould() {
        Duration second = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new HealthSettings(Check.HTTP, Duration.ZERO, second, 2, 3, second))
                .hasMessage("interval: 0s (expected: > 0)");
        assertThatThrownBy(() -> new HealthSettings(Check.HTTP, second, Duration.ofSeconds(2), 2, 3, second))
                .hasMessage("timeout: 2s (expected: > 0, <= interval (1s) and <= 1h)");
        assertThatThrownBy(() -> new HealthSettings(Check.HTTP, second, second, 0, 3, second))
                .hasMessage("rise: 0 (expected: 1 to 100)");
        assertThatThrownBy(() -> new HealthSettings(Check.HTTP, second, second, 2, 101, second))
                .hasMessage("fall: 101 (expected: 1 to 100)");
        assertThatThrownBy(() -> new HealthSettings(Check.HTTP, second, second, 2, 3, Duration.ofMillis(-5)))
                .hasMessage("grace: -5ms (expected: >= 0)");
    }

    private static HealthSettings parse(String transport, String overrides) throws InvalidConfigException {
        SettingsReader reader = reader(transport, overrides);
        HealthSettings settings = HealthSettings.parse(reader);
        reader.throwIfInvalid();
        return settings;
    }

    private static SettingsReader reader(String transport, String overrides) {
        String path = "gateway.transport." + transport;
        Config config = ConfigFactory.parseString(overrides).atPath(path)
                .withFallback(ConfigFactory.parseResources(HealthSettingsTest.class.getClassLoader(), "reference.conf"))
                .resolve();
        return SettingsReader.of(config, path);
    }

    private static List<String> messages(InvalidConfigException e) {
        return e.errors().stream().map(ConfigError::message).toList();
    }
}
