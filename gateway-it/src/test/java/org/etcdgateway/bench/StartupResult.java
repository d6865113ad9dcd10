package org.etcdgateway.bench;

import java.util.List;

/**
 * From starting a proxy's process to its first accepted connection, per start.
 *
 * @param candidate the proxy
 * @param millis    one figure per start, in milliseconds
 */
record StartupResult(Candidate candidate, List<Double> millis) {

    StartupResult {
        millis = List.copyOf(millis);
    }

    double medianMillis() {
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
