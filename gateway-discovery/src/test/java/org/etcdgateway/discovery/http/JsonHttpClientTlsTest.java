package org.etcdgateway.discovery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https://} servers without a CA file of the operator's: checked against the JVM's
 * default trust store, read when the first server is checked, with the host name verified. The
 * certificates are made by the JDK's keytool; the trust store is named with the JSSE system
 * properties, read at the first check, not when the client was made.
 */
class JsonHttpClientTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    Path directory;

    @Test
    void aServerIsTrustedOnlyWhenTheTrustStoreAtItsFirstCheckHoldsItsCertificateForItsAddress() throws Exception {
        Path server = keyPair("server", "ip:127.0.0.1");
        Path elsewhere = keyPair("elsewhere", "dns:elsewhere.example");
        Path trust = trustStore(List.of(export(server, "server"), export(elsewhere, "elsewhere")));

        try (Served good = serve(server); Served misnamed = serve(elsewhere)) {
            JsonHttpClient beforeTheStoreIsNamed = new JsonHttpClient(Duration.ofSeconds(5));
            JsonHttpClient madeBefore = new JsonHttpClient(Duration.ofSeconds(5));

            assertThatThrownBy(() -> beforeTheStoreIsNamed.get(good.uri()))
                    .as("the JDK's cacerts does not hold the test CA").isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("PKIX path building failed");

            withTrustStore(trust, () -> {
                // Made before the property was set, asked only now: it reads the store now.
                HttpAnswer answer = madeBefore.get(good.uri());
                assertThat(answer.okJson().path("ok").asBoolean()).isTrue();
                assertThatThrownBy(() -> madeBefore.get(misnamed.uri()))
                        .as("a trusted certificate for another name").isInstanceOf(SSLHandshakeException.class)
                        .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
            });
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    private static void withTrustStore(Path store, Check check) throws Exception {
        String[] keys = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"};
        String[] before = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            before[i] = System.getProperty(keys[i]);
        }
        System.setProperty(keys[0], store.toString());
        System.setProperty(keys[1], PASSWORD);
        System.setProperty(keys[2], "PKCS12");
        try {
            check.run();
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], before[i]);
                }
            }
        }
    }

    /** A PKCS#12 key store with a new self-signed key pair whose certificate names {@code san}. */
    private Path keyPair(String name, String san) throws Exception {
        Path store = directory.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "san=" + san, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        return store;
    }

    private Path export(Path keyStore, String alias) throws Exception {
        Path certificate = directory.resolve(alias + ".crt");
        keytool("-exportcert", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-rfc", "-file", certificate.toString());
        return certificate;
    }

    private Path trustStore(List<Path> certificates) throws Exception {
        Path store = directory.resolve("trust.p12");
        for (Path certificate : certificates) {
            keytool("-importcert", "-noprompt", "-alias", certificate.getFileName().toString(), "-file", certificate.toString(),
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD);
        }
        return store;
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed:\n" + output);
        }
    }

    /** An HTTPS server on loopback with the key pair in {@code keyStore}, answering every path with {"ok":true}. */
    private static Served serve(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new Served(server);
    }

    private record Served(HttpsServer server) implements AutoCloseable {
        URI uri() {
            return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/members");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
