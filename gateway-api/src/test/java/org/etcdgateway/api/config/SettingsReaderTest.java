package org.etcdgateway.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsReaderTest {

    @ParameterizedTest
    @CsvSource({
        "1m0s, 60000", "1m30s, 90000", "1h, 3600000", "500ms, 500", "1.5s, 1500", "2 minutes, 120000",
        "30 seconds, 30000", "250, 250", "0.5h, 1800000", "1h2m3s, 3723000",
    })
    void readsDurationsInHoconsAndGosSpelling(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @Test
    void readsSubMillisecondDurations() {
        assertThat(Durations.parse("250us")).contains(Duration.ofNanos(250_000));
        assertThat(Durations.parse("250µs")).contains(Duration.ofNanos(250_000));
        assertThat(Durations.parse("10ns")).contains(Duration.ofNanos(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "-1s", "1 m 2 s", "1x", "s", "1s2", "1.2.3s"})
    void refusesWhatIsNoDuration(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @Test
    void formatsDurationsAsEtcdPrintsThem() {
        assertThat(Durations.format(Duration.ofMinutes(1))).isEqualTo("1m0s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.format(Duration.ofMillis(300))).isEqualTo("300ms");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
    }

    @Test
    void collectsEveryErrorWithItsPathValueAndExpectation() {
        var config = ConfigFactory.parseString("a { timeout = abc, count = 99, names = \"x,,y\" }");
        SettingsReader reader = SettingsReader.of(config, "a");
        reader.positiveDuration("timeout");
        reader.integer("count", 1, 10);
        reader.stringList("names");
        reader.string("missing");
        assertThatThrownBy(reader::throwIfInvalid)
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::message)
                        .containsExactly(
                                "a.timeout: \"abc\" (expected: a duration such as 500ms, 1s, 1m30s or 2 minutes, more than 0), set by String: 1",
                                "a.count: \"99\" (expected: a whole number from 1 to 10), set by String: 1",
                                "a.names: \"x,,y\" (expected: a list without empty items), set by String: 1",
                                "a.missing: missing (expected: a value; every key has a default in reference.conf)"));
    }

    @Test
    void takesListsAsHoconListsOrCommaSeparatedStrings() throws InvalidConfigException {
        var config = ConfigFactory.parseString("a { one = [\"x\", \"y\"], two = \"x, y\" }");
        SettingsReader reader = SettingsReader.of(config, "a");
        assertThat(reader.stringList("one")).containsExactly("x", "y");
        assertThat(reader.stringList("two")).containsExactly("x", "y");
        reader.throwIfInvalid();
    }
}
