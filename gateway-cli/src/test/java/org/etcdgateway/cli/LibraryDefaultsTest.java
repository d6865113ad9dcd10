package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class LibraryDefaultsTest {

    @Test
    void theGatewaysLibrarySettingsApplyWhenNothingSaysOtherwise() {
        Properties properties = new Properties();

        EtcdGateway.applyLibraryDefaults(properties);

        assertThat(properties).containsEntry("io.netty.leakDetection.level", "disabled")
                .containsEntry("io.netty.jfr.enabled", "false")
                .containsEntry("io.netty.iouring.cqSize", "16384")
                .containsEntry("guice_bytecode_gen_option", "DISABLED");
    }

    @Test
    void aValueGivenWithMinusDWins() {
        Properties properties = new Properties();
        properties.setProperty("io.netty.leakDetection.level", "paranoid");
        properties.setProperty("io.netty.jfr.enabled", "true");
        properties.setProperty("io.netty.iouring.cqSize", "4096");

        EtcdGateway.applyLibraryDefaults(properties);

        assertThat(properties).containsEntry("io.netty.leakDetection.level", "paranoid")
                .containsEntry("io.netty.jfr.enabled", "true")
                .containsEntry("io.netty.iouring.cqSize", "4096");
    }
}
