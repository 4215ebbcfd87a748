package io.lagscaler.loadtest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12's targets, read off one scenario's runs. */
class BenchmarkTest {

  static final Scenario S = SimulationTest.scenario(12, 100, 0, 0, 1, 1000, 100);

  static SimResult result(long slo, long replicaSeconds, int events, long oversized) {
    return new SimResult("s", "p", slo, 0, 0, replicaSeconds, events, 0, 0, oversized);
  }

  static Benchmark.Pair pair(SimResult lagScaler, SimResult keda, SimResult... others) {
    List<Benchmark.GridRun> grid = new java.util.ArrayList<>();
    grid.add(new Benchmark.GridRun(1, 1000, keda));
    double f = 2;
    for (SimResult o : others) {
      grid.add(new Benchmark.GridRun(f, Math.round(1000 * f), o));
      f *= 2;
    }
    return new Benchmark.Pair(S, lagScaler, keda, grid, 0);
  }

  @Test
  void aKedaSettingDominatesWithin5SecondsOfSloAndAtLeast2PercentFewerReplicaSeconds() {
    SimResult ls = result(10, 10_000, 3, 0);
    assertThat(pair(ls, result(40, 12_000, 9, 0), result(15, 9_800, 9, 0)).dominatedBy())
        .hasValueSatisfying(g -> assertThat(g.factor()).isEqualTo(2));
    assertThat(pair(ls, result(40, 12_000, 9, 0), result(16, 9_000, 9, 0)).dominatedBy())
        .as("6 s worse")
        .isEmpty();
    assertThat(pair(ls, result(40, 12_000, 9, 0), result(10, 9_801, 9, 0)).dominatedBy())
        .as("1.99 % fewer")
        .isEmpty();
  }

  @Test
  void missesEachTargetByItsOwnRule() {
    // SLO: at most max(half of KEDA's 40 s, 5 s) = 20 s; events: no more than KEDA's 9;
    // oversized: at most 5 % of 1,000 s.
    assertThat(pair(result(20, 10_000, 9, 50), result(40, 9_900, 9, 0)).missed()).isEmpty();
    assertThat(pair(result(21, 10_000, 10, 51), result(40, 9_900, 9, 0)).missed())
        .containsExactly("slo", "events", "oversized");
    assertThat(pair(result(5, 10_000, 1, 0), result(0, 12_000, 9, 0)).missed()).isEmpty();
  }

  @Test
  void anSloMissTheFloorAlsoMissesIsUnavoidable() {
    Benchmark.Pair p =
        new Benchmark.Pair(
            S,
            result(800, 10_000, 3, 0),
            result(900, 20_000, 9, 0),
            List.of(new Benchmark.GridRun(1, 1000, result(900, 20_000, 9, 0))),
            570);
    assertThat(p.missed()).containsExactly("slo (unavoidable)");
    assertThat(Benchmark.summary(List.of(p))).contains("- slo: 1 (test (unavoidable))");
  }

  @Test
  void theFloorHoldsTheMostUsefulReplicasFromTheStart() {
    // 4 partitions, max 64: 4 replicas of 100/s carry 350/s; one replica alone would not.
    Scenario s = SimulationTest.scenario(4, 100, 30, 10, 1, 600, 350);
    assertThat(Benchmark.sloFloor(s)).isZero();
    assertThat(Simulation.run(s, SimulationTest.fixed(1), false).result().sloViolationSeconds())
        .isPositive();
  }
}
