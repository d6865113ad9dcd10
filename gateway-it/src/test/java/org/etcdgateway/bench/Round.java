package org.etcdgateway.bench;

/**
 * One timed run of one candidate in one case.
 *
 * @param requests           requests (or operations) completed
 * @param errors             socket errors, timeouts and non-2xx answers seen by the load generator
 * @param seconds            how long the load ran
 * @param p50Micros          median latency, microseconds
 * @param p99Micros          99th percentile latency, microseconds
 * @param p999Micros         99.9th percentile latency, microseconds
 * @param proxyCpuSeconds    user + system CPU time of the proxy process, all threads, over the run;
 *                           NaN when there is no proxy ({@link Candidate#DIRECT})
 * @param proxyPeakRssBytes  the proxy's peak resident set over the run, -1 when there is no proxy
 * @param loadCpuSeconds     user + system CPU time of the load generator over the run
 * @param proxyJitCpuSeconds the part of {@code proxyCpuSeconds} that the proxy's JIT compiler
 *                           threads used: 0 for a proxy without a JIT, NaN when there is no proxy
 */
record Round(long requests, long errors, double seconds, double p50Micros, double p99Micros, double p999Micros,
        double proxyCpuSeconds, long proxyPeakRssBytes, double loadCpuSeconds,
        double proxyJitCpuSeconds) {

    double requestsPerSecond() {
        return requests / seconds;
    }

    /** Proxy CPU time per request in microseconds; NaN without a proxy. */
    double proxyCpuMicrosPerRequest() {
        return requests == 0 ? Double.NaN : proxyCpuSeconds * 1e6 / requests;
    }

    /** The percentage of the proxy's CPU time that its JIT compilers took; NaN without a proxy. */
    double proxyJitPercent() {
        if (Double.isNaN(proxyCpuSeconds)) {
            return Double.NaN;
        }
        return proxyCpuSeconds > 0 ? proxyJitCpuSeconds * 100 / proxyCpuSeconds : 0;
    }

    /** The load generator's CPU use, in cores (1.0 = one core busy the whole run). */
    double loadCores() {
        return loadCpuSeconds / seconds;
    }
}
