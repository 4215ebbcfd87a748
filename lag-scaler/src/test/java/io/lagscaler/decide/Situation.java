package io.lagscaler.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.decide.History.Recommendation;
import io.lagscaler.decide.History.ScaleEvent;
import io.lagscaler.observe.GroupState;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;

/**
 * One poll as a single rule sees it, for the rules' own table tests: the signals (every partition
 * alike, as in {@link Polls}), the measurements, the history and the policy, each set directly.
 * Defaults: 12 partitions, 4 replicas, caught up, the plain policy of {@link DecisionEngineTest},
 * 400 msg/s arriving and consumed, 100 msg/s per replica measured, a steady group, at t = 1,000 s.
 */
final class Situation {

  int partitions = 12;
  int current = 4;
  long lagPerPartition = 0;
  Double timeLag;
  GroupState state;
  PartitionStatus status;
  ScalingPolicy policy = DecisionEngineTest.plain().build();
  boolean arrivalKnown = true;
  double arrival = 400;
  double arrivalNow = 400;
  double consumption = 400;
  double slope;
  double perReplicaRate = 100;
  boolean rateMeasured = true;
  boolean noProgress;
  boolean progressSeen;
  boolean keepsUp = true;
  boolean steady = true;
  boolean saturated;
  double pause;
  long now = 1000;
  long pollInterval = 5;
  final List<ScaleEvent> events = new ArrayList<>();
  final List<Recommendation> recommendations = new ArrayList<>();
  Long idleSince;
  Long keptUpSince;
  final List<History.Arrival> arrivals = new ArrayList<>();
  History.Probe probe;
  Learned learned = Learned.initial(ScalingPolicy.DEFAULTS);

  static Situation of(UnaryOperator<Situation> change) {
    return change.apply(new Situation());
  }

  Situation policy(UnaryOperator<ScalingPolicy.Builder> change) {
    policy = change.apply(policy.toBuilder()).build();
    return this;
  }

  /** A change from {@code from} to {@code to} at second {@code at}. */
  Situation event(long at, int from, int to) {
    events.add(new ScaleEvent(Polls.T0.plusSeconds(at), from, to));
    return this;
  }

  /** The arrival measured at an earlier poll. */
  Situation arrived(long at, double rate) {
    arrivals.add(new History.Arrival(Polls.T0.plusSeconds(at), rate));
    return this;
  }

  Situation recommended(long at, int replicas) {
    recommendations.add(new Recommendation(Polls.T0.plusSeconds(at), replicas));
    return this;
  }

  Context context() {
    Polls.Poll poll = Polls.at(now, 1_000_000 + lagPerPartition, 1_000_000);
    if (timeLag != null) {
      poll = poll.timeLag(timeLag);
    }
    poll = poll.state(state).status(status);
    GroupSignals.Observed o = (GroupSignals.Observed) poll.signals(partitions, current, current);
    Measurement m =
        new Measurement(
            arrivalKnown ? OptionalDouble.of(arrival) : OptionalDouble.empty(),
            OptionalDouble.of(arrivalNow),
            slope,
            OptionalDouble.of(consumption),
            perReplicaRate,
            rateMeasured,
            noProgress,
            progressSeen,
            keepsUp,
            steady,
            saturated,
            0);
    Instant at = Polls.T0.plusSeconds(now);
    History history =
        new History(
            events,
            recommendations,
            0,
            Optional.of(
                new History.Sample(
                    Polls.T0.plusSeconds(now - pollInterval), Map.of(), current, true, 0)),
            Optional.empty(),
            partitions,
            Optional.empty(),
            Optional.ofNullable(keptUpSince).map(Polls.T0::plusSeconds),
            Optional.ofNullable(probe),
            arrivals);
    return new Context(
        at,
        o,
        current,
        policy,
        m,
        learned,
        pause,
        history,
        Optional.ofNullable(idleSince).map(Polls.T0::plusSeconds),
        recommendations,
        Duration.ofSeconds(120));
  }

  /** A proposal of {@code n} replicas with a need of {@code need} full replicas. */
  static Proposal proposing(int n, double need) {
    return Proposal.start(n).set(n, Reason.SCALE_UP, "").withNeed(need);
  }

  /** Applies {@code rule} and checks the count, the reason and a part of the detail. */
  static void check(Rule rule, Situation s, Proposal in, Expect e) {
    Proposal out = rule.apply(in, s.context());
    assertThat(out.reason()).as("reason: %s", out.detail()).isEqualTo(e.reason());
    assertThat(out.replicas()).as("replicas: %s", out.detail()).isEqualTo(e.replicas());
    assertThat(out.detail()).contains(e.explains());
  }

  /** What a rule must return. */
  record Expect(int replicas, Reason reason, String explains) {}

  static Expect expect(int replicas, Reason reason, String explains) {
    return new Expect(replicas, reason, explains);
  }

  static Expect unchanged(Proposal in) {
    return new Expect(in.replicas(), in.reason(), in.detail());
  }
}
