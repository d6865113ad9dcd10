package org.etcdgateway.it;

/**
 * A v2 proxy under test, in a process of its own: etcd's ({@code etcd --proxy on|readonly}), the
 * reference, or the gateway's ({@code etcd-gateway proxy}). Both take etcd's flags. Closing it
 * kills it with SIGKILL.
 */
interface V2Proxy extends AutoCloseable {

    /** Where clients reach it: {@code http://127.0.0.1:<port>}. */
    String url();

    /** Its process ID, to read {@code /proc/<pid>/fd}. */
    long pid();

    boolean isAlive();

    /** Everything it wrote so far, for failure messages. */
    String output();

    @Override
    void close();
}
