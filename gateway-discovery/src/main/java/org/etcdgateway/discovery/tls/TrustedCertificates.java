package org.etcdgateway.discovery.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS that trusts exactly the CA certificates an operator gave (a {@code trusted-ca-file}), not
 * the JVM's; or the JVM's, read when a server first has to be checked.
 */
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

    /**
     * A TLS context that checks servers against the JVM's default trust store
     * ({@code javax.net.ssl.trustStore}, else the JDK's {@code cacerts}), as
     * {@code SSLContext.getDefault()} does, with the host name verified where the client asks; but
     * that is set up, and reads that store, only when the first TLS connection is made. The JDK's
     * HTTP client builds its TLS context when it is made, and TLS set-up with {@code cacerts}
     * costs a tenth of a second or two of every start-up, even when every server is plain HTTP.
     * Give the client {@link SSLParameters} of its own as well: asking the context for its
     * defaults sets it up.
     */
    public static SSLContext sslContextTrustingTheJvmDefaultsOnFirstUse() {
        return new LazySslContext();
    }

    /** An SSLContext whose real one, with the JVM's default trust, is made on the first call that needs it. */
    private static final class LazySslContext extends SSLContext {
        LazySslContext() {
            super(new LazySpi(), null, "TLS");
        }
    }

    private static final class LazySpi extends SSLContextSpi {
        private volatile SSLContext made;

        private SSLContext context() {
            SSLContext context = made;
            if (context == null) {
                synchronized (this) {
                    context = made;
                    if (context == null) {
                        context = withDefaultTrust();
                        made = context;
                    }
                }
            }
            return context;
        }

        /**
         * A context of its own rather than {@code SSLContext.getDefault()}, which the JVM keeps
         * from its first use: this one reads the trust store as it is when it is needed.
         */
        private static SSLContext withDefaultTrust() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, null, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS with the JVM's default trust store: " + e.getMessage(), e);
            }
        }

        @Override
        protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random) {
            throw new UnsupportedOperationException("initialised when first used");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return context().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return context().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return context().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return context().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return context().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return context().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return context().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return context().getSupportedSSLParameters();
        }
    }
}
