package io.lagscaler.decide;

import io.lagscaler.decide.History.Probe;
import io.lagscaler.decide.History.Recommendation;
import io.lagscaler.decide.History.Sample;
import io.lagscaler.decide.History.ScaleEvent;
import io.lagscaler.signals.GroupSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How many replicas one consumer group should run, and why. Pure: the time, the signals, the
 * replica counts, the policy and the previous state come in; a decision and the next state go out.
 *
 * <p>The rules run in one order (docs/decisions.md): data gate; measure; sizing (need, rebalance
 * cost, step ahead, tolerance, stall, catching up, keeping up); bounds; holds (rebalancing,
 * settling, event budget); per-period rate limits; stabilization windows. Each rule is its own
 * class, a pure function from a {@link Proposal} and a {@link Context} to a proposal; each that
 * changes the number sets the reason.
 */
public final class DecisionEngine {

  /** Sizing: what the group needs, checked against its trend. */
  private static final List<Rule> SIZING =
      List.of(
          new Sizing(),
          new RebalanceCost(),
          new SizeAhead(),
          new Tolerance(),
          new Stalled(),
          new CatchingUp(),
          new KeepingUp());

  private static final Rule BOUNDS = new Bounds();

  /** What may keep the count from the recommendation, in the HPA's order. */
  private static final List<Rule> LIMITS =
      List.of(
          new ProbeVerdict(),
          new Holds(),
          new Budget(),
          new RateLimits(),
          new Stabilization(),
          new ProbeDown());

  private final Duration stallAfter;

  /**
   * @param stallAfter the signal tracker's {@code stallAfter}: a STALLED status is trusted only
   *     when no change happened within it (the change may have made it stale)
   */
  public DecisionEngine(Duration stallAfter) {
    if (stallAfter == null || stallAfter.isNegative() || stallAfter.isZero()) {
      throw new IllegalArgumentException("stallAfter must be > 0, was " + stallAfter);
    }
    this.stallAfter = stallAfter;
  }

  /**
   * A decision and the state to pass to the next one: {@code ifApplied} when the change was made
   * (or reported as made, in a dry run), {@code ifNotApplied} when it was not (a standby, a paused
   * workload, a competing autoscaler, a failed write), so that settle time, the event budget and
   * rate limits count only changes that happened. Equal when the decision changes nothing.
   */
  public record Outcome(Decision decision, DecisionState ifApplied, DecisionState ifNotApplied) {

    /** The state for the next decision, given whether this one was applied. */
    public DecisionState next(boolean applied) {
      return applied ? ifApplied : ifNotApplied;
    }
  }

  /**
   * Decides the replica count of one group at {@code now}.
   *
   * @param currentReplicas replicas the target runs (its /scale spec)
   * @param readyReplicas of those, how many are ready
   */
  public Outcome decide(
      Instant now,
      GroupSignals signals,
      int currentReplicas,
      int readyReplicas,
      ScalingPolicy policy,
      DecisionState state) {
    if (currentReplicas < 0 || readyReplicas < 0) {
      throw new IllegalArgumentException(
          "replica counts must be >= 0, were " + currentReplicas + " and " + readyReplicas);
    }
    History history = prune(now, policy, state.history());
    Learned learned = state.learned();
    Optional<String> unknown =
        switch (signals) {
          case GroupSignals.Unavailable u -> Optional.of("poll failed: " + u.error());
          case GroupSignals.Observed o
              when Duration.between(o.at(), now).compareTo(policy.maxSignalAge()) > 0 ->
              Optional.of(
                  "signals are "
                      + Duration.between(o.at(), now).toSeconds()
                      + " s old > "
                      + policy.maxSignalAge().toSeconds()
                      + " s");
          case GroupSignals.Observed o when o.partitions().isEmpty() ->
              Optional.of("the group's topics have no partitions");
          case GroupSignals.Observed o when o.unknownLagPartitions() > 0 ->
              Optional.of(o.unknownLagPartitions() + " partitions with unknown lag");
          case GroupSignals.Observed o -> Optional.empty();
        };
    if (unknown.isPresent() || !(signals instanceof GroupSignals.Observed o)) {
      return unknown(now, currentReplicas, policy, learned, history, unknown.orElse("no signals"));
    }
    return observed(now, o, currentReplicas, readyReplicas, policy, learned, history);
  }

  // ---- data gate ----------------------------------------------------------------------------

  /**
   * Unknown data holds the current count; after {@code failuresBeforeFallback} such polls, the
   * fallback count (capped at the last partition count seen). Never zero: an unknown poll restarts
   * the idle period.
   */
  private static Outcome unknown(
      Instant now,
      int current,
      ScalingPolicy policy,
      Learned learned,
      History history,
      String why) {
    int failed = history.failedPolls() + 1;
    Decision.Figures figures =
        new Decision.Figures(
            -1,
            OptionalDouble.empty(),
            learned.arrivalRate(),
            learned.perReplicaRate(),
            learned.rateMeasured(),
            current);
    Proposal p = Proposal.start(current);
    if (policy.fallbackReplicas().isPresent() && failed >= policy.failuresBeforeFallback()) {
      int fallback = policy.fallbackReplicas().getAsInt();
      if (history.partitions() > 0) {
        fallback = Math.min(fallback, history.partitions());
      }
      p =
          p.set(
              fallback,
              Reason.FALLBACK,
              why + ", " + failed + " failed polls >= " + policy.failuresBeforeFallback());
    } else {
      p =
          p.holdAt(
              current,
              Reason.HOLD_UNKNOWN_DATA,
              why + " (" + failed + " in a row)",
              policy,
              history.partitions());
    }
    History next =
        new History(
            history.events(),
            history.recommendations(),
            failed,
            Optional.empty(),
            Optional.empty(),
            history.partitions(),
            history.rebalancingSince(),
            Optional.empty(),
            history.probe(),
            history.arrivals());
    Decision decision = Explanation.decision(now, current, p, figures, policy);
    return outcome(decision, new DecisionState(learned, next));
  }

  // ---- everything else runs on observed data ------------------------------------------------

  private Outcome observed(
      Instant now,
      GroupSignals.Observed o,
      int current,
      int ready,
      ScalingPolicy policy,
      Learned learned,
      History history) {
    Sample sample = Measurement.sample(now, o, current, ready);
    Measurement m = Measurement.of(sample, o, policy, learned, history.previous());
    RebalanceTimer pause = RebalanceTimer.of(now, o, learned, history);
    boolean idle =
        o.totalLag() == 0 && m.arrivalNow().isPresent() && m.arrivalNow().getAsDouble() == 0;
    Optional<Instant> idleSince =
        idle ? Optional.of(history.idleSince().orElse(now)) : Optional.empty();

    Context c =
        new Context(
            now,
            o,
            current,
            policy,
            m,
            learned,
            pause.seconds(),
            history,
            idleSince,
            history.recommendations(),
            stallAfter);
    Proposal p = Proposal.start(current);
    for (Rule rule : SIZING) {
      p = rule.apply(p, c);
    }
    int recommended = p.replicas();
    p = BOUNDS.apply(p, c);
    c = c.recommending(p.replicas());
    for (Rule rule : LIMITS) {
      p = rule.apply(p, c);
    }

    Decision.Figures figures =
        new Decision.Figures(
            o.totalLag(),
            c.timeLag(),
            m.arrival(),
            m.perReplicaRate(),
            m.rateMeasured(),
            recommended);
    ProbeVerdict.Verdict verdict = ProbeVerdict.of(c);
    Learned nextLearned =
        new Learned(
            m.perReplicaRate(),
            m.rateMeasured(),
            m.arrival(),
            m.slope(),
            pause.seconds(),
            Math.max(learned.highestRate(), m.shownRate()),
            m.saturated() ? Optional.of(now) : learned.rateCheckedAt(),
            ProbeVerdict.nextWait(c, verdict));
    Optional<Instant> keptUpSince =
        c.keepsUpCaughtUp() ? Optional.of(history.keptUpSince().orElse(now)) : Optional.empty();
    History nextHistory =
        new History(
            history.events(),
            c.recommendations(),
            0,
            Optional.of(sample),
            idleSince,
            o.partitionCount(),
            pause.since(),
            keptUpSince,
            verdict == ProbeVerdict.Verdict.NONE ? history.probe() : Optional.empty(),
            c.arrivals());
    Decision decision = Explanation.decision(now, current, p, figures, policy);
    return outcome(decision, new DecisionState(nextLearned, nextHistory));
  }

  /** The outcome, with the change recorded in the state only for when it is applied. */
  private static Outcome outcome(Decision decision, DecisionState notApplied) {
    if (!decision.changes()) {
      return new Outcome(decision, notApplied, notApplied);
    }
    History h = notApplied.history();
    List<ScaleEvent> events = new ArrayList<>(h.events());
    events.add(new ScaleEvent(decision.at(), decision.currentReplicas(), decision.replicas()));
    // A change restarts the keeping-up clock; a probe step down is remembered until its verdict,
    // and any other change ends the probe in progress.
    Optional<Probe> probe =
        decision.reason() == Reason.PROBE_DOWN
            ? Optional.of(
                new Probe(
                    decision.at(),
                    decision.currentReplicas(),
                    decision.replicas(),
                    notApplied.learned().perReplicaRate()))
            : Optional.empty();
    History applied =
        new History(
            events,
            h.recommendations(),
            h.failedPolls(),
            h.previous(),
            h.idleSince(),
            h.partitions(),
            h.rebalancingSince(),
            Optional.empty(),
            probe,
            h.arrivals());
    return new Outcome(decision, new DecisionState(notApplied.learned(), applied), notApplied);
  }

  // ---- state --------------------------------------------------------------------------------

  /** Drops events and recommendations older than the longest window that reads them. */
  private static History prune(Instant now, ScalingPolicy policy, History history) {
    Duration keepEvents = EngineConstants.BUDGET_WINDOW;
    for (Duration d :
        List.of(
            policy.scaleUp().longestPeriod(),
            policy.scaleDown().longestPeriod(),
            policy.settleTime())) {
      if (d.compareTo(keepEvents) > 0) {
        keepEvents = d;
      }
    }
    Duration keepRecs = policy.scaleUp().stabilizationWindow();
    if (policy.scaleDown().stabilizationWindow().compareTo(keepRecs) > 0) {
      keepRecs = policy.scaleDown().stabilizationWindow();
    }
    Instant eventCutoff = now.minus(keepEvents);
    Instant recCutoff = now.minus(keepRecs);
    List<ScaleEvent> events = new ArrayList<>();
    for (ScaleEvent e : history.events()) {
      if (e.at().isAfter(eventCutoff)) {
        events.add(e);
      }
    }
    // The newest event is kept whatever its age: the settle time starts from it.
    if (events.isEmpty() && !history.events().isEmpty()) {
      events.add(history.events().getLast());
    }
    List<Recommendation> recs = new ArrayList<>();
    for (Recommendation r : history.recommendations()) {
      if (!r.at().isBefore(recCutoff)) {
        recs.add(r);
      }
    }
    return new History(
        events,
        recs,
        history.failedPolls(),
        history.previous(),
        history.idleSince(),
        history.partitions(),
        history.rebalancingSince(),
        history.keptUpSince(),
        history.probe(),
        history.arrivals().stream()
            .filter(a -> a.at().isAfter(now.minus(policy.targetLag())))
            .toList());
  }
}
