package org.etcdgateway.transport.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class IoRuntimeTest {

    @Test
    void autoIsIoUringOnThisLinux() {
        assertThat(IoUring.isAvailable()).as("io_uring, which this gateway runs on where the kernel allows it").isTrue();

        assertThat(IoRuntime.named("auto").name()).isEqualTo("io_uring");
        assertThat(IoRuntime.best().name()).isEqualTo("io_uring");
    }

    @Test
    void eachEngineCanBeAskedForByName() {
        for (String engine : IoRuntime.ENGINES) {
            assertThat(IoRuntime.named(engine).name()).isEqualTo(engine);
            assertThat(IoRuntime.problemWith(engine)).isEmpty();
        }
        assertThat(IoRuntime.problemWith("auto")).isEmpty();
    }

    @Test
    void anUnknownEngineIsAConfigurationErrorThatNamesTheChoices() {
        assertThat(IoRuntime.problemWith("kqueue")).contains("auto (the fastest this machine runs) or one of io_uring, epoll, nio");
        assertThatThrownBy(() -> IoRuntime.named("kqueue")).hasMessageContaining("kqueue").hasMessageContaining("io_uring");
    }

    @Test
    void onlyTheNativeEnginesListenOnASocketPerLoop() {
        assertThat(IoRuntime.named("io_uring").reusePortOption()).isPresent();
        assertThat(IoRuntime.named("epoll").reusePortOption()).isPresent();
        assertThat(IoRuntime.nio().reusePortOption()).isEmpty();
    }
}
