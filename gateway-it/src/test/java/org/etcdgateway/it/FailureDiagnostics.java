package org.etcdgateway.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints, when a test fails, what the processes behind it said: the gateway's log and the tails
 * of the etcd members' logs. A failure in a multi-process test is rarely explained by the
 * assertion alone. Register it as a static {@code @RegisterExtension} field.
 */
final class FailureDiagnostics implements TestWatcher {

    private final Map<String, Supplier<String>> classSources = new ConcurrentHashMap<>();
    private final Map<String, Supplier<String>> testSources = new ConcurrentHashMap<>();

    /** {@code source} is printed after any failed test of the class, e.g. a cluster started in {@code @BeforeAll}. */
    void forClass(String title, Supplier<String> source) {
        classSources.put(title, source);
    }

    /** {@code source} is printed if the running test fails, e.g. a gateway the test started. */
    void forTest(String title, Supplier<String> source) {
        testSources.put(title, source);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        StringBuilder report = new StringBuilder("==== diagnostics for the failed test " + context.getDisplayName()
                + " of " + context.getRequiredTestClass().getSimpleName() + " ====\n");
        testSources.forEach((title, source) -> append(report, title, source));
        classSources.forEach((title, source) -> append(report, title, source));
        System.err.println(report);
        testSources.clear();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        testSources.clear();
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        testSources.clear();
    }

    private static void append(StringBuilder report, String title, Supplier<String> source) {
        report.append("==== ").append(title).append(" ====\n");
        try {
            report.append(source.get()).append('\n');
        } catch (RuntimeException e) {
            report.append("(not available: ").append(e).append(")\n");
        }
    }
}
