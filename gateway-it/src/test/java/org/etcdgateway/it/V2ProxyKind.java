package org.etcdgateway.it;

import java.nio.file.Path;
import java.util.List;

/** The two v2 proxies the tests run side by side: etcd's own, the reference, and the gateway's. */
enum V2ProxyKind {

    ETCD("etcd --proxy") {
        @Override
        V2Proxy start(Path dataDirectory, List<String> flags) {
            return EtcdV2Proxy.start(dataDirectory, flags);
        }
    },
    GATEWAY("etcd-gateway proxy") {
        @Override
        V2Proxy start(Path dataDirectory, List<String> flags) {
            return GatewayV2Proxy.start(dataDirectory, flags);
        }
    };

    private final String command;

    V2ProxyKind(String command) {
        this.command = command;
    }

    /**
     * Starts this proxy on a free loopback port with {@code --data-dir dataDirectory} and
     * {@code flags} (etcd's: {@code --proxy}, {@code --initial-cluster}, {@code --proxy-*}), and
     * waits until it accepts connections.
     */
    abstract V2Proxy start(Path dataDirectory, List<String> flags);

    /** Names the proxy in parameterized tests' display names. */
    @Override
    public String toString() {
        return command;
    }
}
