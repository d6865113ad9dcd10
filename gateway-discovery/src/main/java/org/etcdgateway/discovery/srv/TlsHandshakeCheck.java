package org.etcdgateway.discovery.srv;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.etcdgateway.discovery.tls.TrustedCertificates;

/**
 * Checks a target with a real TLS handshake against the trusted CAs, the target's name verified
 * against its certificate as an HTTPS client would (etcd's clients do the same), also when the
 * connection goes to an address resolved beforehand. The L4 gateway never terminates TLS, so this
 * is the one place where a target that clients would refuse is caught before clients are sent to it.
 */
final class TlsHandshakeCheck implements TlsCheck {

    /** An IPv4 or IPv6 literal: no SNI for those (RFC 6066 allows host names only). */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    private final SSLContext context;
    private final int timeoutMillis;

    TlsHandshakeCheck(List<X509Certificate> trusted, Duration timeout) {
        this.context = TrustedCertificates.sslContextTrusting(trusted);
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    /** Every certificate in a PEM (or DER) file; none when the file holds none. */
    static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        try (InputStream input = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(input)) {
                certificates.add((X509Certificate) certificate);
            }
            return certificates;
        }
    }

    @Override
    public void check(String name, InetSocketAddress address) throws IOException {
        InetSocketAddress destination = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort())
                : address;
        try (Socket plain = new Socket()) {
            plain.connect(destination, timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            // The name, not the address we connected to, is what the certificate is checked against.
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, name, address.getPort(), true)) {
                SSLParameters parameters = socket.getSSLParameters();
                // "HTTPS": the certificate must name the host, as in RFC 2818; without it any
                // certificate from the CA would pass for any target.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!IP_LITERAL.matcher(name).matches()) {
                    parameters.setServerNames(List.of(new SNIHostName(name)));
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
            }
        }
    }
}
