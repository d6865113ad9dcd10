package org.etcdgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates made for a test by the real {@code openssl}: a CA the gateway trusts, another CA it
 * does not, and server certificates from both. Elliptic-curve keys, valid for a day: made in
 * milliseconds, and never mistaken for anything real.
 */
final class TestCertificates {

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

    private final String openssl;
    private final Path directory;
    private long serial;

    /**
     * A server's certificate and key, as etcd's {@code --cert-file} and {@code --key-file} take them.
     *
     * @param certificate PEM
     * @param key         PEM, unencrypted
     */
    record ServerCertificate(Path certificate, Path key) {
    }

    /** A CA: its certificate (what {@code --trusted-ca-file} and {@code --cacert} take) and key. */
    record Authority(String name, Path certificate, Path key) {
    }

    private TestCertificates(String openssl, Path directory) {
        this.openssl = openssl;
        this.directory = directory;
    }

    /** Makes certificates in {@code directory}; fails at once, naming the package, without openssl. */
    static TestCertificates in(Path directory) {
        return new TestCertificates(Executables.require("openssl", "openssl"), directory);
    }

    /** A new self-signed CA named {@code name}. */
    Authority authority(String name) {
        Path certificate = directory.resolve(name + ".pem");
        Path key = directory.resolve(name + ".key");
        run(List.of("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", certificate.toString(), "-days", "1", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        return new Authority(name, certificate, key);
    }

    /**
     * A server certificate signed by {@code authority} for {@code subjectAlternativeNames}, in
     * openssl's spelling ({@code DNS:a.example,IP:10.0.0.1}).
     */
    ServerCertificate server(String name, Authority authority, String subjectAlternativeNames) {
        Path request = directory.resolve(name + ".csr");
        Path key = directory.resolve(name + ".key");
        Path certificate = directory.resolve(name + ".pem");
        Path extensions = directory.resolve(name + ".ext");
        write(extensions, "subjectAltName=" + subjectAlternativeNames + "\n"
                + "basicConstraints=critical,CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth\n");
        run(List.of("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=" + name));
        run(List.of("x509", "-req", "-in", request.toString(), "-CA", authority.certificate().toString(),
                "-CAkey", authority.key().toString(), "-set_serial", Long.toString(++serial + 1000),
                "-days", "1", "-extfile", extensions.toString(), "-out", certificate.toString()));
        return new ServerCertificate(certificate, key);
    }

    private void run(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(openssl);
        command.addAll(arguments);
        CommandResult result = Commands.run(command, environment -> { }, null, OPENSSL_TIMEOUT);
        if (!result.succeeded()) {
            throw new IllegalStateException("openssl could not make a test certificate:\n" + result.describe());
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
