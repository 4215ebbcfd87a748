package io.lagscaler.loadtest.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The targets on every shipped scenario: lag-scaler's SLO violation at most half of KEDA's
 * (or at most 5 s), no more replica-seconds, no more scaling events, and no KEDA setting of the
 * lagThreshold grid that dominates it (issue 12). Deterministic: the same numbers as
 * docs/benchmarks.md.
 */
class BenchmarkTargetsTest {

  static Stream<Arguments> scenarios() throws IOException {
    return Benchmark.scenarios(Path.of("scenarios")).stream()
        .map(f -> argumentSet(f.getFileName().toString(), f));
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void lagScalerUsesNoMoreReplicasOrEventsThanKeda(Path file) throws IOException {
    Benchmark.Pair p = Benchmark.run(file);
    assertThat(p.lagScaler().replicaSeconds())
        .as("replica-seconds")
        .isLessThanOrEqualTo(p.keda().replicaSeconds());
    assertThat(p.lagScaler().scalingEvents())
        .as("scaling events")
        .isLessThanOrEqualTo(p.keda().scalingEvents());
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void noKedaSettingOfTheGridDominatesLagScaler(Path file) throws IOException {
    Benchmark.Pair p = Benchmark.run(file);
    assertThat(p.dominatedBy())
        .as(
            "a KEDA lagThreshold with SLO violation within 5 s and at least 2 percent fewer replica-seconds")
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void lagScalerHalvesKedasSloViolation(Path file) throws IOException {
    Benchmark.Pair p = Benchmark.run(file);
    if (p.scenario().name().equals("stalled-consumer")) {
      // No policy can consume past a poison message: every one violates the SLO from
      // (stall start + target) until the stall ends, 570 s here. The target is missed by
      // construction (docs/benchmarks.md says so); what must hold is that holding instead of
      // adding replicas costs no extra violation, and that recovery is prompt: within 250 s of
      // the unavoidable 570 s (12 replicas need 190 s to drain 10 minutes of backlog).
      long unavoidable = 600 - 30;
      assertThat(p.lagScaler().sloViolationSeconds())
          .isLessThanOrEqualTo(p.keda().sloViolationSeconds())
          .isLessThanOrEqualTo(unavoidable + 250);
      return;
    }
    assertThat(p.sloMet())
        .as(
            "SLO violation %d s vs keda's %d s",
            p.lagScaler().sloViolationSeconds(), p.keda().sloViolationSeconds())
        .isTrue();
  }
}
