package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> FLAGS = List.of("--endpoints", "--listen-addr", "--retry-delay", "--dial-timeout", "--policy");

    @Test
    void suggestsTheNearestNameForTyposAndSwaps() {
        assertThat(Suggestions.nearest("--endpoint", FLAGS)).contains("--endpoints");
        assertThat(Suggestions.nearest("--endpiont", FLAGS)).contains("--endpoints");
        assertThat(Suggestions.nearest("--listen-address", FLAGS)).contains("--listen-addr");
        assertThat(Suggestions.nearest("--retry-dealy", FLAGS)).contains("--retry-delay");
    }

    @Test
    void suggestsNothingForWhatIsNothingLikeAnyName() {
        assertThat(Suggestions.nearest("--verbose", FLAGS)).isEmpty();
        assertThat(Suggestions.nearest("-x", FLAGS)).isEmpty();
    }
}
