package org.etcdgateway.transport.io;

import java.util.function.Supplier;

/**
 * A value made on first use, once, whichever thread asks first: for what costs start-up time and
 * may never be needed (a TLS client context, whose set-up reads the JDK's trust store, when no
 * endpoint is secure).
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile T value;

    public Lazy(Supplier<T> factory) {
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
