package io.lagscaler.decide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every count from min to the partition count can be reached: no dead band (KEDA #2908). */
class ReachabilityTest {

  private static final int PARTITIONS = 12;

  private static Decision decide(
      ScalingPolicy policy, int current, long lagPerPartition, double timeLag) {
    return Polls.ENGINE
        .decide(
            Polls.T0,
            Polls.at(0, lagPerPartition, 0).timeLag(timeLag).signals(PARTITIONS, current, current),
            current,
            current,
            policy,
            DecisionState.initial(policy))
        .decision();
  }

  @Test
  void withoutEvenDistributionTheNeedAloneReachesEveryCount() {
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .mode(ScalingPolicy.Mode.LAG)
            .lagPerReplica(1200)
            .maxReplicas(PARTITIONS)
            .evenDistribution(false)
            .build();
    for (int n = 2; n <= PARTITIONS; n++) {
      // n x 1,200 of lag over 12 partitions: 100 x n each.
      assertThat(decide(policy, 1, 100L * n, 1).replicas()).as("from 1 to %d", n).isEqualTo(n);
      // One short of the need, with the time lag over target: the tolerance does not hold it.
      assertThat(decide(policy, n - 1, 100L * n, 45).replicas())
          .as("from %d to %d", n - 1, n)
          .isEqualTo(n);
    }
  }

  @Test
  void withEvenDistributionAMaxBetweenEvenCountsIsReachedExactly() {
    for (int max = 1; max <= PARTITIONS; max++) {
      ScalingPolicy policy =
          ScalingPolicy.builder()
              .mode(ScalingPolicy.Mode.LAG)
              .lagPerReplica(1200)
              .maxReplicas(max)
              .evenDistribution(true)
              .build();
      assertThat(decide(policy, 1, 100L * PARTITIONS, 45).replicas())
          .as("max %d", max)
          .isEqualTo(max);
    }
  }
}
