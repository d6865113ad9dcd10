package org.etcdgateway.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One 3-member {@link EtcdCluster} for all tests of a class: started before the class's own
 * {@code @BeforeAll} methods, so they can use it, and closed after its {@code @AfterAll} methods,
 * so that what they stop (a gateway, a client) goes before the cluster it talks to. After each
 * test, the members the test killed are restarted and the cluster is waited for to be healthy,
 * so that every test starts with the whole cluster.
 *
 * <p>Register it as a static field declared after the class's {@link FailureDiagnostics}:
 * <pre>{@code
 * @RegisterExtension
 * static final FailureDiagnostics DIAGNOSTICS = new FailureDiagnostics();
 * @RegisterExtension
 * static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension(DIAGNOSTICS);
 * }</pre>
 */
final class EtcdClusterExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** The smallest cluster that keeps a quorum with one member down, as the failover tests need. */
    private static final int SIZE = 3;

    private final FailureDiagnostics diagnostics;
    private final boolean v2Api;
    private EtcdCluster cluster;

    /** {@code diagnostics} gets the members' log tails, to print after any failed test of the class. */
    EtcdClusterExtension(FailureDiagnostics diagnostics) {
        this(diagnostics, false);
    }

    private EtcdClusterExtension(FailureDiagnostics diagnostics, boolean v2Api) {
        this.diagnostics = diagnostics;
        this.v2Api = v2Api;
    }

    /** A cluster whose members also serve etcd's v2 API ({@code --enable-v2}), as the v2 proxy tests need. */
    static EtcdClusterExtension withV2Api(FailureDiagnostics diagnostics) {
        return new EtcdClusterExtension(diagnostics, true);
    }

    /** The running cluster; only from the class's {@code @BeforeAll} methods on. */
    EtcdCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the etcd cluster is not started: it starts before the class's @BeforeAll methods");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = v2Api ? EtcdCluster.startWithV2Api(SIZE) : EtcdCluster.start(SIZE);
        diagnostics.forClass("etcd cluster", cluster::logTails);
    }

    /**
     * Costs three loopback {@code /health} requests when the test killed nothing, so it runs
     * after every test rather than only where a test kills members.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        cluster.restoreAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // JUnit calls this also when beforeAll failed, when there may be no cluster to close.
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
