package org.etcdgateway.transport.http;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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

/**
 * {@code http}: etcd's v2 proxy ({@code etcd --proxy on|readonly}), an HTTP/1.1 reverse proxy
 * that sends each request to the endpoint the policy picks and streams the answer back.
 */
public final class HttpTransportProvider implements TransportProvider<HttpSettings> {

    /** Connect timeouts are an int of milliseconds in Netty; longer ones are surely typos. */
    private static final Duration MAX_DIAL_TIMEOUT = Duration.ofHours(1);
    private static final String LISTEN_URL_EXPECTED = "http://host:port URLs, as in http://127.0.0.1:2379 (port 0 binds a free port)";

    @Override
    public String name() {
        return "http";
    }

    @Override
    public HttpSettings parseSettings(SettingsReader settings) throws InvalidConfigException {
        List<HostAndPort> listenAddresses = new ArrayList<>();
        List<String> listenUrls = settings.stringList("listen-client-urls");
        for (String url : listenUrls) {
            parseListenUrl(url).ifPresentOrElse(listenAddresses::add,
                    () -> settings.error("listen-client-urls", url, listenUrlProblem(url)));
        }
        if (listenUrls.isEmpty() && settings.errors().isEmpty()) {
            settings.error("listen-client-urls", "[]", "at least one " + LISTEN_URL_EXPECTED);
        }
        boolean readOnly = false;
        String mode = settings.string("mode");
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "on" -> readOnly = false;
            case "readonly" -> readOnly = true;
            default -> settings.error("mode", mode, "on (forward every request) or readonly (forward only GET)");
        }
        Duration failureWait = settings.positiveDuration("failure-wait");
        Duration dialTimeout = settings.positiveDuration("dial-timeout");
        if (dialTimeout.compareTo(MAX_DIAL_TIMEOUT) > 0) {
            settings.error("dial-timeout", settings.config().getValue("dial-timeout").unwrapped().toString(),
                    "a duration from 1ms to 1h");
        }
        Duration writeTimeout = settings.nonNegativeDuration("write-timeout");
        Duration readTimeout = settings.nonNegativeDuration("read-timeout");
        int maxRequestBody = byteSize(settings, "max-request-body");
        int maxIdleConnections = settings.integer("max-idle-connections", 0, 100_000);
        boolean writesToLeader = settings.bool("writes-to-leader");
        Duration leaderCheckInterval = settings.positiveDuration("leader-check-interval");
        Duration drainTimeout = settings.nonNegativeDuration("drain-timeout");
        int ioThreads = settings.integer("io-threads", 0, 1024);
        String ioEngine = IoRuntime.engineSetting(settings);
        HealthSettings health = HealthSettings.parse(settings);
        settings.throwIfInvalid();
        return new HttpSettings(listenAddresses, readOnly, failureWait, dialTimeout, writeTimeout, readTimeout,
                maxRequestBody, maxIdleConnections, writesToLeader, leaderCheckInterval, drainTimeout, ioThreads, ioEngine,
                health);
    }

    /** The address of an {@code http://host:port} URL (an optional trailing {@code /} allowed), or empty. */
    private static Optional<HostAndPort> parseListenUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://")) {
            return Optional.empty();
        }
        String rest = url.substring("http://".length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.isEmpty() || rest.indexOf('/') >= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(HostAndPort.parse(rest));
        } catch (AddressFormatException e) {
            return Optional.empty();
        }
    }

    private static String listenUrlProblem(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            return LISTEN_URL_EXPECTED + "; TLS listening (https://) is not supported yet: put a TLS terminator in front";
        }
        if (lower.startsWith("http://")) {
            String rest = url.substring("http://".length());
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            if (rest.indexOf('/') >= 0) {
                return LISTEN_URL_EXPECTED + ", without a path";
            }
            try {
                HostAndPort.parse(rest);
            } catch (AddressFormatException e) {
                return LISTEN_URL_EXPECTED + "; after http:// " + e.expected();
            }
        }
        return LISTEN_URL_EXPECTED;
    }

    /** A size in bytes, as a number or in HOCON's spelling ({@code 16MiB}, {@code 512k}), from 1 byte to 2 GiB less one. */
    private static int byteSize(SettingsReader settings, String key) {
        String expected = "a size from 1 to " + Integer.MAX_VALUE + " bytes, such as 1048576, 512KiB or 16MiB";
        if (!settings.config().hasPathOrNull(key)) {
            settings.string(key);
            return 0;
        }
        String written = String.valueOf(settings.config().getValue(key).unwrapped());
        long bytes;
        try {
            bytes = settings.config().getBytes(key);
        } catch (ConfigException e) {
            settings.error(key, written, expected);
            return 0;
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            settings.error(key, written, expected);
            return 0;
        }
        return (int) bytes;
    }

    @Override
    public Transport newTransport(HttpSettings settings, TransportContext context) {
        return new HttpTransport(settings, context);
    }

    @Override
    public void reconfigure(Transport running, HttpSettings settings, TransportContext context) throws TransportException {
        ((HttpTransport) running).reconfigure(settings, context);
    }
}
