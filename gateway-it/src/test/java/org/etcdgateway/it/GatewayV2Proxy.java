package org.etcdgateway.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The gateway's v2 proxy, {@code bin/etcd-gateway proxy}, on a port the kernel picks. */
final class GatewayV2Proxy implements V2Proxy {

    private final GatewayProcess gateway;

    private GatewayV2Proxy(GatewayProcess gateway) {
        this.gateway = gateway;
    }

    /** Starts it with {@code --data-dir dataDirectory}, {@code flags} and port 0, and waits for its ready line. */
    static GatewayV2Proxy start(Path dataDirectory, List<String> flags) {
        List<String> command = new ArrayList<>(List.of(
                "--listen-client-urls", "http://127.0.0.1:0",
                "--data-dir", dataDirectory.toString()));
        command.addAll(flags);
        return new GatewayV2Proxy(GatewayProcess.startProxy(command));
    }

    /** Its admin endpoint. */
    AdminEndpoint admin() {
        return gateway.admin();
    }

    @Override
    public String url() {
        return "http://" + gateway.listenAddress();
    }

    @Override
    public long pid() {
        return gateway.pid();
    }

    @Override
    public boolean isAlive() {
        return gateway.isAlive();
    }

    @Override
    public String output() {
        return gateway.output();
    }

    @Override
    public void close() {
        gateway.close();
    }

    @Override
    public String toString() {
        return "etcd-gateway proxy at " + url();
    }
}
