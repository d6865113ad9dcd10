package org.etcdgateway.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.policy.LoadBalancingPolicy;

/**
 * Smooth weighted round robin within the best priority tier.
 *
 * <p>Only the candidates of the lowest priority value take part; the others wait until none of
 * that tier is usable. Within the tier, each pick adds every endpoint's weight to its running
 * score, takes the highest score and subtracts the tier's total weight from it. Over any
 * {@code total} consecutive picks each endpoint is picked exactly {@code weight} times, spread
 * out rather than in runs, and with no bias from the order of the list.
 */
final class WeightedRoundRobinPolicy implements LoadBalancingPolicy {

    private List<Endpoint> lastCandidates = List.of();
    private List<Endpoint> tier = List.of();
    private long[] scores = new long[0];
    private long totalWeight;
    private final Map<Endpoint, Long> carriedScores = new HashMap<>();

    @Override
    public synchronized Endpoint pick(List<Endpoint> candidates) {
        if (candidates != lastCandidates) {
            selectTier(candidates);
        }
        int best = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] += tier.get(i).weight();
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        scores[best] -= totalWeight;
        return tier.get(best);
    }

    /** Keeps the running scores of endpoints that stay, so a set change does not restart the cycle. */
    private void selectTier(List<Endpoint> candidates) {
        for (int i = 0; i < tier.size(); i++) {
            carriedScores.put(tier.get(i), scores[i]);
        }
        int bestPriority = Integer.MAX_VALUE;
        for (Endpoint endpoint : candidates) {
            bestPriority = Math.min(bestPriority, endpoint.priority());
        }
        List<Endpoint> newTier = new ArrayList<>();
        for (Endpoint endpoint : candidates) {
            if (endpoint.priority() == bestPriority) {
                newTier.add(endpoint);
            }
        }
        long[] newScores = new long[newTier.size()];
        long total = 0;
        for (int i = 0; i < newScores.length; i++) {
            newScores[i] = carriedScores.getOrDefault(newTier.get(i), 0L);
            total += newTier.get(i).weight();
        }
        carriedScores.keySet().retainAll(candidates);
        lastCandidates = candidates;
        tier = List.copyOf(newTier);
        scores = newScores;
        totalWeight = total;
    }
}
