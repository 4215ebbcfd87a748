package io.lagscaler.loadtest.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The scenario fields that bring the model closer to a cluster: hot partitions, eager and
 * cooperative rebalances, a node pool, noisy consumers.
 */
class ClusterModelTest {

  /** A scenario of {@code partitions}, mu 100, no pod start, target 30 s, plus {@code extra}. */
  static Scenario scenario(int partitions, int initial, int duration, double rate, String extra) {
    return scenario(partitions, initial, duration, rate, 0, 0, extra);
  }

  static Scenario scenario(
      int partitions,
      int initial,
      int duration,
      double rate,
      int podStart,
      int rebalance,
      String extra) {
    return Scenario.parse(
        """
        name: cluster
        partitions: %d
        replicaServiceRate: 100
        podStartSeconds: %d
        rebalanceSeconds: %d
        initialReplicas: %d
        minReplicas: 0
        maxReplicas: 64
        targetLagSeconds: 30
        durationSeconds: %d
        rate: [{at: 0, rate: %s}]
        keda: {lagThreshold: 1000}
        """
                .formatted(partitions, podStart, rebalance, initial, duration, rate)
            + extra,
        "cluster.yaml");
  }

  @Nested
  class HotPartitions {

    @Test
    void aHotPartitionsOwnerLagsAlthoughTheGroupHasCapacityToSpare() {
      // 2 replicas of 100/s for 160/s: enough in total. The range assignor gives partitions 0 and
      // 1 to the first replica; with weights 6,1,1,0 they carry 7/8 of 160 = 140/s.
      SimResult even =
          Simulation.run(scenario(4, 2, 600, 160, ""), SimulationTest.fixed(2), false).result();
      SimResult skewed =
          Simulation.run(
                  scenario(4, 2, 600, 160, "partitionWeights: [6, 1, 1, 0]\n"),
                  SimulationTest.fixed(2),
                  false)
              .result();
      assertThat(even.maxLag()).isLessThan(10);
      assertThat(even.sloViolationSeconds()).isZero();
      assertThat(skewed.finalLag()).isCloseTo(40 * 600, within(200L));
      assertThat(skewed.sloViolationSeconds()).isGreaterThan(500);
    }

    @Test
    void sparedCapacityGoesToTheOwnersBusierPartition() {
      // One replica owns both partitions: 90/s on one, 5/s on the other; it serves 100/s, so it
      // keeps up only if what the quiet partition leaves goes to the busy one.
      SimResult run =
          Simulation.run(
                  scenario(2, 1, 600, 95, "partitionWeights: [18, 1]\n"),
                  SimulationTest.fixed(1),
                  false)
              .result();
      assertThat(run.maxLag()).isLessThan(10);
    }

    @Test
    void weightsMustMatchThePartitions() {
      assertThatThrownBy(() -> scenario(4, 1, 60, 10, "partitionWeights: [1, 2, 3]\n"))
          .hasMessageContaining("partitionWeights has 3 weights but partitions is 4");
      assertThatThrownBy(() -> scenario(2, 1, 60, 10, "partitionWeights: [1, -1]\n"))
          .hasMessageContaining("partitionWeights must be >= 0 with a positive sum");
      assertThatThrownBy(() -> scenario(2, 1, 60, 10, "partitionWeights: [1, hot]\n"))
          .hasMessageContaining("partitionWeights[1] must be a number");
    }
  }

  @Nested
  class Rebalances {

    Simulation.Run twoToThree(String mode) {
      Scenario s = scenario(6, 2, 40, 60, 0, 20, "rebalance: " + mode + "\n");
      return Simulation.run(s, SimulationTest.fixed(3), true);
    }

    @Test
    void eagerStopsEveryPartitionCooperativeOnlyThoseThatMove() {
      // 2 -> 3 replicas over 6 partitions: eager revokes all six for 20 s; cooperative-sticky
      // moves one partition from each old replica to the new one, so 2 of 6 stop.
      Simulation.Run eager = twoToThree("eager");
      Simulation.Run cooperative = twoToThree("cooperative");
      long eagerLag = eager.timeline().get(19).lag();
      long cooperativeLag = cooperative.timeline().get(19).lag();
      assertThat(eagerLag).isCloseTo(60 * 20, within(10L));
      assertThat(cooperativeLag).isCloseTo(60 * 20 * 2 / 6, within(10L));
      // Both count the seconds in which a partition was paused.
      assertThat(eager.result().rebalanceSeconds()).isEqualTo(20);
      assertThat(cooperative.result().rebalanceSeconds()).isEqualTo(20);
    }

    @Test
    void stickyAssignmentMovesOnlyWhatBalanceNeeds() {
      int[] before = Assignor.range(List.of(0, 1), 6); // 0 0 0 1 1 1
      int[] after = Assignor.sticky(before, List.of(0, 1, 2), 6);
      assertThat(after).containsExactly(0, 0, 2, 1, 1, 2);
      int[] shrunk = Assignor.sticky(after, List.of(0, 2), 6);
      assertThat(shrunk).containsExactly(0, 0, 2, 0, 2, 2);
    }

    @Test
    void rangeGivesContiguousRangesTheFirstOnesLonger() {
      assertThat(Assignor.range(List.of(3, 5, 9), 8)).containsExactly(3, 3, 3, 5, 5, 5, 9, 9);
    }

    @Test
    void anUnknownModeIsAnErrorNamingTheField() {
      assertThatThrownBy(() -> scenario(2, 1, 60, 10, "rebalance: incremental\n"))
          .hasMessageContaining("rebalance must be eager or cooperative, was incremental");
    }
  }

  @Nested
  class Nodes {

    Simulation.Run grow(String nodes) {
      Scenario s = scenario(8, 2, 120, 0, 10, 0, "nodes: " + nodes + "\n");
      return Simulation.run(s, SimulationTest.fixed(4), true);
    }

    @Test
    void podsBeyondTheSpareRoomWaitForANewNodeFirst() {
      // 2 pods per node, the initial 2 fill one node: the next 2 wait 30 s for a node, then 10 s.
      Simulation.Run run = grow("{podsPerNode: 2, spareNodes: 0, nodeStartSeconds: 30}");
      assertThat(run.timeline().get(39).readyReplicas()).isEqualTo(2);
      assertThat(run.timeline().get(40).readyReplicas()).isEqualTo(4);
    }

    @Test
    void aSpareNodeTakesNewPodsAtOnce() {
      Simulation.Run run = grow("{podsPerNode: 2, spareNodes: 1, nodeStartSeconds: 30}");
      assertThat(run.timeline().get(9).readyReplicas()).isEqualTo(2);
      assertThat(run.timeline().get(10).readyReplicas()).isEqualTo(4);
    }

    @Test
    void onlyThePodsBeyondTheRoomWait() {
      // One spare slot: the third pod starts at once, the fourth waits for a node.
      Simulation.Run run = grow("{podsPerNode: 3, spareNodes: 0, nodeStartSeconds: 30}");
      assertThat(run.timeline().get(10).readyReplicas()).isEqualTo(3);
      assertThat(run.timeline().get(39).readyReplicas()).isEqualTo(3);
      assertThat(run.timeline().get(40).readyReplicas()).isEqualTo(4);
    }

    @Test
    void anEmptyNodeGoesAfterTheUnneededTime() {
      NodePool pool = new NodePool(new Scenario.Nodes(2, 1, 30), 4);
      assertThat(pool.size()).isEqualTo(3);
      pool.settle(1, 100); // 1 pod needs 1 node + 1 spare: one is unneeded from now
      pool.settle(1, 100 + NodePool.UNNEEDED_SECONDS - 1);
      assertThat(pool.size()).isEqualTo(3);
      pool.settle(1, 100 + NodePool.UNNEEDED_SECONDS);
      assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void badNodeSettingsAreErrorsNamingTheField() {
      assertThatThrownBy(
              () ->
                  scenario(
                      2,
                      1,
                      60,
                      10,
                      "nodes: {podsPerNode: 0, spareNodes: 0, nodeStartSeconds: 1}\n"))
          .hasMessageContaining("nodes.podsPerNode must be >= 1");
      assertThatThrownBy(() -> scenario(2, 1, 60, 10, "nodes: {podsPerNode: 2}\n"))
          .hasMessageContaining("nodes.nodeStartSeconds is required");
    }
  }

  @Nested
  class ConsumerNoise {

    /** One replica always behind (1,000/s against 100/s): what it consumes each second. */
    double[] consumedPerSecond(String noise) {
      Scenario s = scenario(1, 1, 3000, 1000, "consumerNoise: " + noise + "\n");
      List<Simulation.Row> rows = Simulation.run(s, SimulationTest.fixed(1), true).timeline();
      double[] out = new double[rows.size() - 1];
      for (int t = 1; t < rows.size(); t++) {
        out[t - 1] = 1000 - (rows.get(t).lag() - rows.get(t - 1).lag());
      }
      return out;
    }

    @Test
    void theServiceRateVariesWithTheStatedStddev() {
      double[] c = consumedPerSecond("{stddevFraction: 0.2, seed: 5}");
      double mean = java.util.Arrays.stream(c).average().orElseThrow();
      double var = java.util.Arrays.stream(c).map(x -> (x - mean) * (x - mean)).sum() / c.length;
      assertThat(mean).isCloseTo(100, within(2.0));
      assertThat(Math.sqrt(var) / mean).isCloseTo(0.2, within(0.02));
    }

    @Test
    void theSameSeedGivesTheSameRunAnotherSeedAnother() {
      assertThat(consumedPerSecond("{stddevFraction: 0.2, seed: 5}"))
          .containsExactly(consumedPerSecond("{stddevFraction: 0.2, seed: 5}"));
      assertThat(consumedPerSecond("{stddevFraction: 0.2, seed: 6}"))
          .isNotEqualTo(consumedPerSecond("{stddevFraction: 0.2, seed: 5}"));
    }

    @Test
    void aNegativeStddevIsAnErrorNamingTheField() {
      assertThatThrownBy(
              () -> scenario(1, 1, 60, 10, "consumerNoise: {stddevFraction: -0.1, seed: 1}\n"))
          .hasMessageContaining("consumerNoise.stddevFraction must be >= 0");
    }
  }
}
