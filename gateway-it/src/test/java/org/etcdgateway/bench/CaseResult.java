package org.etcdgateway.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every round of one candidate in one case, and their medians.
 *
 * @param caseId      short name of the case ({@code small}, {@code bulk}, ...)
 * @param caseTitle   what the case does, for the report
 * @param candidate   what the traffic went through
 * @param rounds      the timed runs, in the order they ran
 */
record CaseResult(String caseId, String caseTitle, Candidate candidate, List<Round> rounds) {

    CaseResult {
        rounds = List.copyOf(rounds);
    }

    double requestsPerSecond() {
        return median(Round::requestsPerSecond);
    }

    double p50Micros() {
        return median(Round::p50Micros);
    }

    double p99Micros() {
        return median(Round::p99Micros);
    }

    double p999Micros() {
        return median(Round::p999Micros);
    }

    /** NaN without a proxy. */
    double proxyCpuMicrosPerRequest() {
        return median(Round::proxyCpuMicrosPerRequest);
    }

    /** The highest peak RSS of any round; -1 without a proxy. */
    long proxyPeakRssBytes() {
        return rounds.stream().mapToLong(Round::proxyPeakRssBytes).max().orElse(-1);
    }

    double loadCores() {
        return median(Round::loadCores);
    }

    long errors() {
        return rounds.stream().mapToLong(Round::errors).sum();
    }

    /** The median of {@code figure} over the rounds; the mean of the middle two for an even count. */
    double median(ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    @Override
    public String toString() {
        return caseId + "/" + candidate + " " + Arrays.toString(rounds.toArray());
    }
}
