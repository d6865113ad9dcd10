package org.etcdgateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.api.policy.LoadBalancingPolicy;
import org.junit.jupiter.api.Test;

class PolicyDistributionTest {

    private static final Endpoint A = Endpoint.of("10.0.0.1", 2379, "test");
    private static final Endpoint B = Endpoint.of("10.0.0.2", 2379, "test");
    private static final Endpoint C = Endpoint.of("10.0.0.3", 2379, "test");
    private static final List<Endpoint> THREE = List.of(A, B, C);

    private static Map<Endpoint, Integer> count(LoadBalancingPolicy policy, List<Endpoint> candidates, int picks) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(policy.pick(candidates), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinTakesEachCandidateInTurn() {
        LoadBalancingPolicy policy = new RoundRobinPolicy();
        List<Endpoint> picks = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            picks.add(policy.pick(THREE));
        }
        assertThat(picks).containsExactly(A, B, C, A, B, C, A, B, C);
        assertThat(count(policy, THREE, 30_000)).containsOnly(Map.entry(A, 10_000), Map.entry(B, 10_000), Map.entry(C, 10_000));
    }

    @Test
    void roundRobinKeepsGoingWhenTheCandidatesShrink() {
        LoadBalancingPolicy policy = new RoundRobinPolicy();
        assertThat(count(policy, List.of(A, C), 1_000)).containsOnly(Map.entry(A, 500), Map.entry(C, 500));
    }

    @Test
    void randomStickyKeepsToOneEndpointUntilItFails() {
        LoadBalancingPolicy policy = new RandomStickyPolicy();
        Endpoint first = policy.pick(THREE);
        assertThat(count(policy, THREE, 1_000)).containsOnly(Map.entry(first, 1_000));

        policy.onFailure(first, new RuntimeException("refused"));
        List<Endpoint> withoutFirst = THREE.stream().filter(endpoint -> !endpoint.equals(first)).toList();
        Endpoint second = policy.pick(withoutFirst);
        assertThat(second).isNotEqualTo(first);
        // The failed endpoint coming back does not take the traffic back: sticky means sticky.
        assertThat(count(policy, THREE, 1_000)).containsOnly(Map.entry(second, 1_000));
    }

    @Test
    void randomStickyMovesOnWhenItsEndpointLeavesTheCandidates() {
        LoadBalancingPolicy policy = new RandomStickyPolicy();
        Endpoint first = policy.pick(THREE);
        List<Endpoint> withoutFirst = THREE.stream().filter(endpoint -> !endpoint.equals(first)).toList();
        assertThat(withoutFirst).contains(policy.pick(withoutFirst));
    }

    @Test
    void randomStickyChoosesUniformlyAcrossFreshStarts() {
        Map<Endpoint, Integer> firstPicks = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            firstPicks.merge(new RandomStickyPolicy().pick(THREE), 1, Integer::sum);
        }
        // 10,000 expected each; 5 standard deviations (about 408) is far outside chance.
        assertThat(firstPicks.values()).allSatisfy(count -> assertThat(count).isBetween(9_592, 10_408));
    }

    @Test
    void weightedRoundRobinGivesEachEndpointItsWeightExactly() {
        Endpoint heavy = new Endpoint("10.0.0.1", 2379, false, 0, 5, "test");
        Endpoint medium = new Endpoint("10.0.0.2", 2379, false, 0, 3, "test");
        Endpoint light = new Endpoint("10.0.0.3", 2379, false, 0, 1, "test");
        LoadBalancingPolicy policy = new WeightedRoundRobinPolicy();
        assertThat(count(policy, List.of(heavy, medium, light), 9 * 1_000))
                .containsOnly(Map.entry(heavy, 5_000), Map.entry(medium, 3_000), Map.entry(light, 1_000));
    }

    @Test
    void weightedRoundRobinInterleavesRatherThanRunningInBlocks() {
        Endpoint heavy = new Endpoint("10.0.0.1", 2379, false, 0, 5, "test");
        Endpoint light = new Endpoint("10.0.0.2", 2379, false, 0, 1, "test");
        Endpoint other = new Endpoint("10.0.0.3", 2379, false, 0, 1, "test");
        LoadBalancingPolicy policy = new WeightedRoundRobinPolicy();
        List<Endpoint> candidates = List.of(heavy, light, other);
        List<Endpoint> cycle = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            cycle.add(policy.pick(candidates));
        }
        // The smooth variant never sends the light endpoints back to back, nor the heavy one 5 times in a row.
        assertThat(cycle).containsExactly(heavy, heavy, light, heavy, other, heavy, heavy);
    }

    @Test
    void weightedRoundRobinHasNoOrderBias() {
        Endpoint first = new Endpoint("10.0.0.1", 2379, false, 0, 2, "test");
        Endpoint second = new Endpoint("10.0.0.2", 2379, false, 0, 2, "test");
        Map<Endpoint, Integer> forward = count(new WeightedRoundRobinPolicy(), List.of(first, second), 1_001);
        Map<Endpoint, Integer> backward = count(new WeightedRoundRobinPolicy(), List.of(second, first), 1_001);
        assertThat(Math.abs(forward.get(first) - forward.get(second))).isLessThanOrEqualTo(1);
        assertThat(Math.abs(backward.get(first) - backward.get(second))).isLessThanOrEqualTo(1);
    }

    @Test
    void weightedRoundRobinUsesOnlyTheBestPriorityTierWhileItHasAnEndpoint() {
        Endpoint primaryOne = new Endpoint("10.0.0.1", 2379, false, 10, 1, "test");
        Endpoint primaryTwo = new Endpoint("10.0.0.2", 2379, false, 10, 3, "test");
        Endpoint backup = new Endpoint("10.0.0.3", 2379, false, 20, 100, "test");
        LoadBalancingPolicy policy = new WeightedRoundRobinPolicy();

        assertThat(count(policy, List.of(primaryOne, primaryTwo, backup), 4_000))
                .containsOnly(Map.entry(primaryOne, 1_000), Map.entry(primaryTwo, 3_000));
        assertThat(count(policy, List.of(primaryTwo, backup), 100)).containsOnly(Map.entry(primaryTwo, 100));
        assertThat(count(policy, List.of(backup), 100)).containsOnly(Map.entry(backup, 100));
        assertThat(count(policy, List.of(primaryOne, backup), 100)).containsOnly(Map.entry(primaryOne, 100));
    }
}
