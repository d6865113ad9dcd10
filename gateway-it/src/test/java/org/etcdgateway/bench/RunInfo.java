package org.etcdgateway.bench;

import java.util.List;

/**
 * How and where the benchmark ran, printed at the head of the report so that figures are never
 * read without their conditions.
 *
 * @param startedAt       ISO-8601 time the run began
 * @param command         the command line that produced the report
 * @param machine         cores, memory, kernel
 * @param versions        one line per tool: JDK, etcd, HAProxy, wrk, nginx
 * @param rounds          timed rounds per candidate and case (candidates interleaved, A B C A B C ...)
 * @param secondsPerRound how long each timed round runs
 * @param eventLoops      the gateway's event loops, and HAProxy's threads
 * @param notes           what went differently from the plan: a candidate that failed a case, a
 *                        count lowered to fit a limit
 */
record RunInfo(String startedAt, String command, String machine, List<String> versions, int rounds,
        double secondsPerRound, int eventLoops, List<String> notes) {

    RunInfo {
        versions = List.copyOf(versions);
        notes = List.copyOf(notes);
    }
}
