package org.etcdgateway.bench;

/**
 * What a load generator saw over one measured window, before the caller adds what it measured of
 * the proxy and makes a {@link Round} of it.
 *
 * @param requests       requests (or operations) completed successfully in the window
 * @param errors         requests that failed in the window: transport errors, timeouts, error
 *                       answers
 * @param seconds        how long the measured window lasted
 * @param p50Micros      median latency of the successful requests, microseconds
 * @param p99Micros      99th percentile latency, microseconds
 * @param p999Micros     99.9th percentile latency, microseconds
 * @param loadCpuSeconds user + system CPU time of the load generator over the window; NaN when
 *                       the generator could not measure it
 */
record LoadFigures(long requests, long errors, double seconds, double p50Micros, double p99Micros,
        double p999Micros, double loadCpuSeconds) {

    /** Figures whose percentiles come from {@code latencies}. */
    static LoadFigures of(long requests, long errors, double seconds, Latencies latencies, double loadCpuSeconds) {
        return new LoadFigures(requests, errors, seconds, latencies.percentileMicros(50),
                latencies.percentileMicros(99), latencies.percentileMicros(99.9), loadCpuSeconds);
    }

    /**
     * Figures whose percentiles come from {@code latencies}, for a generator that measures its CPU
     * time apart (add it with {@link #withLoadCpuSeconds(double)}); until then it is NaN.
     */
    static LoadFigures of(long requests, long errors, double seconds, Latencies latencies) {
        return of(requests, errors, seconds, latencies, Double.NaN);
    }

    /** These figures with the load generator's CPU time set. */
    LoadFigures withLoadCpuSeconds(double cpuSeconds) {
        return new LoadFigures(requests, errors, seconds, p50Micros, p99Micros, p999Micros, cpuSeconds);
    }

    /** Successful requests per second of the window. */
    double requestsPerSecond() {
        return requests / seconds;
    }

    /**
     * The {@link Round} of these figures and what the caller measured of the proxy.
     *
     * @param proxyCpuSeconds   the proxy's CPU time over the window, NaN without a proxy
     * @param proxyPeakRssBytes the proxy's peak resident set, -1 without a proxy
     */
    Round toRound(double proxyCpuSeconds, long proxyPeakRssBytes, double proxyJitCpuSeconds) {
        return new Round(requests, errors, seconds, p50Micros, p99Micros, p999Micros, proxyCpuSeconds,
                proxyPeakRssBytes, loadCpuSeconds, proxyJitCpuSeconds);
    }
}
