package io.lagscaler.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.observe.GroupState;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionStatus;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants over random policies and random sequences of polls (failures, rebalances, stalls,
 * bursts): whatever the input, a decision stays within the bounds, never goes to zero on missing
 * data, and never changes the count while it holds.
 */
class DecisionEnginePropertiesTest {

  /** What one random poll does to the group. */
  record Move(
      int dtSeconds,
      boolean fails,
      boolean lagUnknown,
      long produced,
      double consumedFraction,
      GroupState state,
      PartitionStatus status,
      double readyFraction) {}

  record Run(ScalingPolicy policy, int partitions, int initialReplicas, List<Move> moves) {}

  @Provide
  Arbitrary<Run> runs() {
    Arbitrary<ScalingPolicy.Builder> shape =
        Combinators.combine(
                Arbitraries.of(ScalingPolicy.Mode.values()),
                Arbitraries.integers().between(1, 30),
                Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.doubles().between(0, 0.3))
            .as(
                (mode, max, min, zero, even, tolerance) ->
                    ScalingPolicy.builder()
                        .mode(mode)
                        .lagPerReplica(500)
                        .maxReplicas(max)
                        .minReplicas(Math.min(min, max))
                        .scaleToZero(zero || min == 0)
                        .evenDistribution(even)
                        .tolerance(tolerance));
    Arbitrary<ScalingPolicy> policies =
        Combinators.combine(
                shape,
                Arbitraries.integers().between(0, 60),
                Arbitraries.integers().between(0, 120),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 30))
            .as(
                (b, settle, idle, failures, fallback) -> {
                  int max = b.build().maxReplicas();
                  int low = Math.max(1, b.build().minReplicas());
                  return b.settleTime(Duration.ofSeconds(settle))
                      .idlePeriod(Duration.ofSeconds(idle))
                      .failuresBeforeFallback(failures)
                      .fallbackReplicas(
                          fallback == 0
                              ? OptionalInt.empty()
                              : OptionalInt.of(Math.clamp(fallback, low, max)))
                      .build();
                });
    Arbitrary<Move> moves =
        Combinators.combine(
                Arbitraries.integers().between(1, 30),
                Arbitraries.integers().between(0, 9).map(i -> i == 0),
                Arbitraries.integers().between(0, 19).map(i -> i == 0),
                Arbitraries.longs().between(0, 5000),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.of(GroupState.STABLE, GroupState.STABLE, GroupState.REBALANCING),
                Arbitraries.of(PartitionStatus.values()),
                Arbitraries.doubles().between(0, 1))
            .as(Move::new);
    return Combinators.combine(
            policies,
            Arbitraries.integers().between(1, 40),
            Arbitraries.integers().between(0, 35),
            moves.list().ofMinSize(1).ofMaxSize(40))
        .as(Run::new);
  }

  @Property(tries = 400)
  void decisionsStayWithinBoundsAndHoldsNeverChangeTheCount(@ForAll("runs") Run run) {
    ScalingPolicy policy = run.policy();
    DecisionState state = DecisionState.initial(policy);
    int current = run.initialReplicas();
    long t = 0;
    long logEnd = 0;
    long committed = 0;
    boolean partitionsKnown = false;
    for (Move m : run.moves()) {
      t += m.dtSeconds();
      logEnd += m.produced();
      committed += Math.round((logEnd - committed) * m.consumedFraction());
      int ready = (int) Math.floor(current * m.readyFraction());
      Polls.Poll poll =
          m.fails()
              ? Polls.failedAt(t)
              : Polls.at(t, logEnd, committed).state(m.state()).status(m.status()).ready(ready);
      if (m.lagUnknown() && !m.fails()) {
        poll = poll.unknownLag();
      }
      GroupSignals signals = poll.signals(run.partitions(), current, ready);
      boolean unknown = m.fails() || m.lagUnknown();
      Decision d =
          Polls.ENGINE
              .decide(Polls.T0.plusSeconds(t), signals, current, ready, policy, state)
              .decision();
      String why = d.explanation();

      assertThat(d.replicas()).as(why).isBetween(0, policy.maxReplicas());
      if (!unknown || partitionsKnown) {
        assertThat(d.replicas())
            .as("at most the partitions: " + why)
            .isLessThanOrEqualTo(run.partitions());
      }
      int floor = policy.scaleToZero() ? Math.max(1, policy.minReplicas()) : policy.minReplicas();
      if (!unknown || partitionsKnown) {
        floor = Math.min(floor, run.partitions()); // the partition cap wins over min
      }
      if (!(policy.scaleToZero() && d.replicas() == 0)) {
        assertThat(d.replicas()).as("at least min: " + why).isGreaterThanOrEqualTo(floor);
      }
      if (unknown && current > 0) {
        assertThat(d.replicas()).as("never zero on unknown data: " + why).isPositive();
      }
      if (d.reason().isHold()) {
        assertThat(d.replicas()).as("a hold keeps the count: " + why).isEqualTo(current);
      }
      if (d.replicas() == 0 && current > 0) {
        assertThat(d.reason()).as(why).isEqualTo(Reason.SCALE_TO_ZERO);
      }
      assertThat(why).contains("(" + d.reason().name() + ")");

      state =
          Polls.ENGINE
              .decide(Polls.T0.plusSeconds(t), signals, current, ready, policy, state)
              .next(true);
      partitionsKnown |= !unknown;
      current = d.replicas();
    }
  }
}
