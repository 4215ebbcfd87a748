package io.lagscaler.loadtest.sim;

import io.lagscaler.decide.DecisionEngine;
import io.lagscaler.decide.DecisionState;
import io.lagscaler.decide.ScalingPolicy;
import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import java.time.Instant;
import java.util.function.Supplier;

/** lag-scaler as deployed: the real SignalTracker and DecisionEngine, polling every 5 s. */
public final class LagScalerAutoscaler implements Autoscaler {

  /** lag-scaler's poll interval: one batched admin read for all groups, so it can be short. */
  public static final int POLL_SECONDS = 5;

  private final ScalingPolicy policy;
  private final SignalTracker tracker = new SignalTracker(SignalSettings.DEFAULTS);
  private final DecisionEngine engine = new DecisionEngine(SignalSettings.DEFAULTS.stallAfter());
  private final GroupQuery query;
  private DecisionState state;
  private String reason = "START";

  public LagScalerAutoscaler(ScalingPolicy policy, String group) {
    this.policy = policy;
    this.query = GroupQuery.of(group);
    this.state = DecisionState.initial(policy);
  }

  /** The policy a user would write for this scenario: min, max and the time-lag target. */
  public static ScalingPolicy.Builder policyFor(Scenario s) {
    return ScalingPolicy.builder()
        .minReplicas(Math.max(1, s.minReplicas()))
        .scaleToZero(s.minReplicas() == 0)
        .maxReplicas(s.maxReplicas())
        .targetLag(java.time.Duration.ofMillis(Math.round(s.targetLagSeconds() * 1000)));
  }

  @Override
  public String name() {
    return "lag-scaler";
  }

  @Override
  public Action tick(int t, Supplier<GroupOffsets.Read> read, int replicas, int ready) {
    if (t % POLL_SECONDS != 0) {
      return new Action(replicas, reason);
    }
    Instant now = Simulation.T0.plusSeconds(t);
    GroupSignals signals = tracker.update(now, query, read.get());
    DecisionEngine.Outcome outcome = engine.decide(now, signals, replicas, ready, policy, state);
    // The simulator applies every decision.
    state = outcome.next(true);
    reason = outcome.decision().reason().name();
    return new Action(outcome.decision().replicas(), reason);
  }
}
