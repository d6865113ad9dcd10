package org.etcdgateway.discovery.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
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
import javax.net.ssl.X509ExtendedTrustManager;

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
     * that sets up TLS, and reads that store, only when the first TLS connection is made. The
     * JDK's HTTP client builds its TLS context when it is made, and TLS set-up with
     * {@code cacerts} costs a tenth of a second or two of every start-up, even when every server
     * is plain HTTP. Give the client {@link SSLParameters} of its own as well: asking the context
     * for its defaults sets it up.
     */
    public static SSLContext sslContextTrustingTheJvmDefaultsOnFirstUse() {
        return new LazySslContext(() -> {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new DefaultTrustOnFirstUse()}, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
            }
        });
    }

    /** An SSLContext whose real one is made on the first call that needs it. */
    private static final class LazySslContext extends SSLContext {
        LazySslContext(Supplier<SSLContext> factory) {
            super(new LazySpi(new OnFirstUse<>(factory)), null, "TLS");
        }
    }

    /** A value made on its first use, once, whichever thread asks first. */
    private static final class OnFirstUse<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        OnFirstUse(Supplier<T> factory) {
            this.factory = factory;
        }

        @Override
        public T get() {
            T made = value;
            if (made == null) {
                synchronized (this) {
                    made = value;
                    if (made == null) {
                        made = factory.get();
                        value = made;
                    }
                }
            }
            return made;
        }
    }

    private static final class LazySpi extends SSLContextSpi {
        private final Supplier<SSLContext> context;

        LazySpi(Supplier<SSLContext> context) {
            this.context = context;
        }

        private SSLContext context() {
            return context.get();
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

    /** The JVM's default trust manager, made on the first check. */
    private static final class DefaultTrustOnFirstUse extends X509ExtendedTrustManager {

        private final Supplier<X509ExtendedTrustManager> delegate = new OnFirstUse<>(DefaultTrustOnFirstUse::loadDefault);

        private X509ExtendedTrustManager delegate() {
            return delegate.get();
        }

        private static X509ExtendedTrustManager loadDefault() {
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init((KeyStore) null);
                for (TrustManager manager : factory.getTrustManagers()) {
                    if (manager instanceof X509ExtendedTrustManager extended) {
                        return extended;
                    }
                }
                throw new IllegalStateException("the JVM's default trust manager factory made no X.509 trust manager");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the JVM's default trust store: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate().getAcceptedIssuers();
        }
    }
}
