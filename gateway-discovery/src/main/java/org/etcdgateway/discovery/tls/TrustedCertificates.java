package org.etcdgateway.discovery.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS that trusts exactly the CA certificates an operator gave (a {@code trusted-ca-file}), not the JVM's. */
public final class TrustedCertificates {

    private TrustedCertificates() {
    }

    /** A TLS context whose peers must chain to one of {@code trusted}. */
    public static SSLContext sslContextTrusting(List<X509Certificate> trusted) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int index = 0; index < trusted.size(); index++) {
                store.setCertificateEntry("trusted-ca-" + index, trusted.get(index));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            // An in-memory key store of parsed certificates: failing here means a JRE without TLS.
            throw new IllegalStateException("cannot build a TLS context trusting " + trusted.size()
                    + " CA certificate(s): " + e.getMessage(), e);
        }
    }
}
