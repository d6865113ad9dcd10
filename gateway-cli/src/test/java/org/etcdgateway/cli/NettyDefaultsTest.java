package org.etcdgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {

    @Test
    void leakDetectionAndBufferEventsAreOffWhenNothingSaysOtherwise() {
        Properties properties = new Properties();

        EtcdGateway.applyNettyDefaults(properties);

        assertThat(properties).containsEntry("io.netty.leakDetection.level", "disabled")
                .containsEntry("io.netty.jfr.enabled", "false");
    }

    @Test
    void aValueGivenWithMinusDWins() {
        Properties properties = new Properties();
        properties.setProperty("io.netty.leakDetection.level", "paranoid");
        properties.setProperty("io.netty.jfr.enabled", "true");

        EtcdGateway.applyNettyDefaults(properties);

        assertThat(properties).containsEntry("io.netty.leakDetection.level", "paranoid")
                .containsEntry("io.netty.jfr.enabled", "true");
    }
}
