package org.etcdgateway.transport.tcp;

import java.time.Duration;
import org.etcdgateway.api.AddressFormatException;
import org.etcdgateway.api.HostAndPort;
import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;
import org.etcdgateway.api.transport.Transport;
import org.etcdgateway.api.transport.TransportContext;
import org.etcdgateway.api.transport.TransportException;
import org.etcdgateway.api.transport.TransportProvider;
import org.etcdgateway.transport.health.HealthSettings;
import org.etcdgateway.transport.io.IoRuntime;

/** {@code tcp}: the L4 gateway. Bytes in, bytes out, to the endpoint the policy picks. */
public final class TcpTransportProvider implements TransportProvider<TcpSettings> {

    /** Connect timeouts are an int of milliseconds in Netty; longer ones are surely typos. */
    private static final Duration MAX_DIAL_TIMEOUT = Duration.ofHours(1);

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public TcpSettings parseSettings(SettingsReader settings) throws InvalidConfigException {
        HostAndPort listenAddress = null;
        String listenText = settings.string("listen-addr");
        try {
            listenAddress = HostAndPort.parse(listenText);
        } catch (AddressFormatException e) {
            settings.error("listen-addr", listenText, e.expected());
        }
        Duration dialTimeout = settings.positiveDuration("dial-timeout");
        if (dialTimeout.compareTo(MAX_DIAL_TIMEOUT) > 0) {
            settings.error("dial-timeout", settings.config().getValue("dial-timeout").unwrapped().toString(),
                    "a duration from 1ms to 1h");
        }
        Duration retryDelay = settings.positiveDuration("retry-delay");
        Duration drainTimeout = settings.nonNegativeDuration("drain-timeout");
        int ioThreads = settings.integer("io-threads", 0, 1024);
        String ioEngine = IoRuntime.engineSetting(settings);
        HealthSettings health = HealthSettings.parse(settings);
        settings.throwIfInvalid();
        return new TcpSettings(listenAddress, dialTimeout, retryDelay, drainTimeout, ioThreads, ioEngine, health);
    }

    @Override
    public Transport newTransport(TcpSettings settings, TransportContext context) {
        return new TcpTransport(settings, context);
    }

    @Override
    public void reconfigure(Transport running, TcpSettings settings, TransportContext context) throws TransportException {
        ((TcpTransport) running).reconfigure(settings, context);
    }
}
