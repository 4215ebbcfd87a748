package io.lagscaler.decide;

import io.lagscaler.decide.DecisionState.Offsets;
import io.lagscaler.decide.DecisionState.Recommendation;
import io.lagscaler.decide.DecisionState.Sample;
import io.lagscaler.decide.DecisionState.ScaleEvent;
import io.lagscaler.decide.ScalingPolicy.RatePolicy;
import io.lagscaler.decide.ScalingPolicy.ScalingRules;
import io.lagscaler.decide.ScalingPolicy.Select;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionSignals;
import io.lagscaler.signals.PartitionStatus;
import io.lagscaler.signals.TimeLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How many replicas one consumer group should run, and why. Pure: the time, the signals, the
 * replica counts, the policy and the previous state come in; a decision and the next state go out.
 *
 * <p>The rules run in one order (docs/decisions.md): data gate; sizing (rate or lag, tolerance,
 * trend, stall); bounds (zero, min, max, partitions); holds (rebalancing, settling, event budget);
 * per-period rate limits; stabilization windows. Each rule that changes the number sets the reason.
 */
public final class DecisionEngine {

  private static final Duration HOUR = Duration.ofHours(1);

  /**
   * The fraction of the target under which the time lag counts as calm: a shrink whose rebalance
   * keeps it there is safe, and a falling time lag there needs no extra replicas.
   */
  static final double CALM = 0.75;

  /** The tracker's default stallAfter: a change within it may make its STALLED stale. */
  private static final Duration STALL_WINDOW = Duration.ofSeconds(120);

  private DecisionEngine() {}

  /** A decision and the state to pass to the next one. */
  public record Outcome(Decision decision, DecisionState state) {}

  /**
   * Decides the replica count of one group at {@code now}.
   *
   * @param currentReplicas replicas the target runs (its /scale spec)
   * @param readyReplicas of those, how many are ready
   */
  public static Outcome decide(
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
    DecisionState pruned = prune(now, policy, state);
    return switch (signals) {
      case GroupSignals.Unavailable u ->
          unknown(now, currentReplicas, policy, pruned, "poll failed: " + u.error());
      case GroupSignals.Observed o
          when Duration.between(o.at(), now).compareTo(policy.maxSignalAge()) > 0 ->
          unknown(
              now,
              currentReplicas,
              policy,
              pruned,
              "signals are "
                  + Duration.between(o.at(), now).toSeconds()
                  + " s old > "
                  + policy.maxSignalAge().toSeconds()
                  + " s");
      case GroupSignals.Observed o when o.partitions().isEmpty() ->
          unknown(now, currentReplicas, policy, pruned, "the group's topics have no partitions");
      case GroupSignals.Observed o when o.unknownLagPartitions() > 0 ->
          unknown(
              now,
              currentReplicas,
              policy,
              pruned,
              o.unknownLagPartitions() + " partitions with unknown lag");
      case GroupSignals.Observed o ->
          observed(now, o, currentReplicas, readyReplicas, policy, pruned);
    };
  }

  // ---- data gate ----------------------------------------------------------------------------

  private static Outcome unknown(
      Instant now, int current, ScalingPolicy policy, DecisionState state, String why) {
    int failed = state.failedPolls() + 1;
    Decision.Figures figures =
        new Decision.Figures(
            -1,
            OptionalDouble.empty(),
            state.arrivalRate(),
            state.perReplicaRate(),
            state.rateMeasured(),
            current);
    Step step = new Step(current);
    if (policy.fallbackReplicas().isPresent() && failed >= policy.failuresBeforeFallback()) {
      int fallback = policy.fallbackReplicas().getAsInt();
      if (state.partitions() > 0) {
        fallback = Math.min(fallback, state.partitions());
      }
      step.set(
          fallback,
          Reason.FALLBACK,
          why + ", " + failed + " failed polls >= " + policy.failuresBeforeFallback());
    } else {
      holdAt(
          step,
          current,
          Reason.HOLD_UNKNOWN_DATA,
          why + " (" + failed + " in a row)",
          policy,
          state.partitions());
    }
    int replicas = step.replicas;
    Reason reason = step.reason;
    String detail = step.detail;
    List<ScaleEvent> events = withEvent(state.events(), now, current, replicas);
    DecisionState next =
        new DecisionState(
            events,
            state.recommendations(),
            failed,
            state.perReplicaRate(),
            state.rateMeasured(),
            state.arrivalRate(),
            state.arrivalSlope(),
            Optional.empty(),
            Optional.empty(),
            state.partitions(),
            state.rebalanceSeconds(),
            state.rebalancingSince());
    return new Outcome(decision(now, current, replicas, reason, detail, figures, policy), next);
  }

  // ---- everything else runs on observed data ------------------------------------------------

  private static Outcome observed(
      Instant now,
      GroupSignals.Observed o,
      int current,
      int ready,
      ScalingPolicy policy,
      DecisionState state) {
    int partitions = o.partitionCount();
    Sample sample = sample(now, o, current, ready);
    Measured m = measure(sample, o, policy, state);
    long lag = o.totalLag();
    OptionalDouble timeLag =
        o.maxTimeLag() instanceof TimeLag.Known k
            ? OptionalDouble.of(k.seconds())
            : OptionalDouble.empty();
    double target = seconds(policy.targetLag());
    boolean idle = lag == 0 && m.arrivalNow.isPresent() && m.arrivalNow.getAsDouble() == 0;
    Optional<Instant> idleSince =
        idle ? Optional.of(state.idleSince().orElse(now)) : Optional.empty();

    Pause pause = pause(now, o, state);
    Step step = new Step(current);
    boolean changedRecently =
        !state.events().isEmpty()
            && Duration.between(state.events().getLast().at(), now).compareTo(STALL_WINDOW) < 0;
    size(step, o, current, partitions, policy, m, timeLag, target, pause.seconds, changedRecently);
    int recommended = step.replicas;
    boolean wake = bound(step, current, partitions, lag, idleSince, now, policy);
    List<Recommendation> recs = new ArrayList<>(state.recommendations());
    recs.add(new Recommendation(now, step.replicas));

    boolean toZero = step.replicas == 0 && current > 0;
    // As the HPA does, a count outside the bounds goes straight into them: rate limits and
    // windows only pace changes between counts the policy allows (a percent of 0 is 0).
    boolean outside = outsideBounds(current, partitions, policy);
    if (step.replicas != current) {
      // Past half the target, a scale-up is needed soon enough that the budget must not wait.
      boolean urgent = timeLag.isPresent() && timeLag.getAsDouble() > target / 2;
      hold(step, current, o, now, policy, state, wake, partitions, urgent);
    }
    if (step.replicas != current && !wake && !toZero && !outside) {
      rateLimit(step, current, now, policy, state.events());
    }
    if (step.replicas != current && !wake && !toZero && !outside) {
      stabilize(step, current, now, policy, recs);
    }

    Decision.Figures figures =
        new Decision.Figures(
            lag, timeLag, m.arrival, m.perReplicaRate, m.rateMeasured, recommended);
    DecisionState next =
        new DecisionState(
            withEvent(state.events(), now, current, step.replicas),
            recs,
            0,
            m.perReplicaRate,
            m.rateMeasured,
            m.arrival,
            m.slope,
            Optional.of(sample),
            idleSince,
            partitions,
            pause.seconds,
            pause.since);
    return new Outcome(
        decision(now, current, step.replicas, step.reason, step.detail, figures, policy), next);
  }

  /** How long a change pauses the group, and the rebalance in progress. */
  private record Pause(double seconds, Optional<Instant> since) {}

  /**
   * Measures rebalances from the polls that see one: from the first REBALANCING poll to the first
   * STABLE one after it (each end is off by up to a poll interval, in opposite directions).
   */
  private static Pause pause(Instant now, GroupSignals.Observed o, DecisionState state) {
    if (o.state() == GroupState.REBALANCING) {
      return new Pause(state.rebalanceSeconds(), Optional.of(state.rebalancingSince().orElse(now)));
    }
    if (o.state() == GroupState.STABLE && state.rebalancingSince().isPresent()) {
      double sample = seconds(Duration.between(state.rebalancingSince().get(), now));
      return new Pause(0.5 * state.rebalanceSeconds() + 0.5 * sample, Optional.empty());
    }
    if (state.rebalancingSince().isPresent()) {
      // It ended in no stable group (emptied, deleted): nothing to measure.
      return new Pause(state.rebalanceSeconds(), Optional.empty());
    }
    if (o.state() == GroupState.STABLE
        && state.previous().isPresent()
        && state.previous().get().members() != o.members()
        && state.previous().get().members() > 0) {
      // Membership changed but no poll saw the rebalance: it fit between two polls.
      double sample = seconds(Duration.between(state.previous().get().at(), now)) / 2;
      return new Pause(0.5 * state.rebalanceSeconds() + 0.5 * sample, Optional.empty());
    }
    return new Pause(state.rebalanceSeconds(), state.rebalancingSince());
  }

  /** The number being decided, with the reason and detail of the last rule that set it. */
  private static final class Step {
    int replicas;
    Reason reason = Reason.AT_TARGET;
    String detail = "";

    Step(int replicas) {
      this.replicas = replicas;
    }

    void set(int n, Reason r, String d) {
      replicas = n;
      reason = r;
      detail = d;
    }
  }

  /** Rates measured between the previous poll and this one, and the learned per-replica rate. */
  private record Measured(
      OptionalDouble arrival,
      OptionalDouble arrivalNow,
      double slope,
      OptionalDouble consumption,
      double perReplicaRate,
      boolean rateMeasured,
      boolean noProgress,
      boolean progressSeen,
      boolean keepsUp,
      boolean steady) {}

  private static Sample sample(Instant now, GroupSignals.Observed o, int current, int ready) {
    Map<PartitionKey, Offsets> offsets = new HashMap<>();
    for (PartitionSignals p : o.partitions()) {
      offsets.put(
          p.partition(),
          new Offsets(p.committed().orElse(-1), p.logEnd().orElse(-1), p.lag().messagesOrZero()));
    }
    boolean clean =
        o.state() == GroupState.STABLE && current > 0 && o.members() == current && ready == current;
    return new Sample(now, offsets, o.members(), clean, o.totalLag());
  }

  /**
   * Arrival and consumption from the offsets of two consecutive polls (the tracker's 60 s averages
   * would react a minute late), and the per-replica rate learned when the group is saturated.
   */
  private static Measured measure(
      Sample now, GroupSignals.Observed o, ScalingPolicy policy, DecisionState state) {
    Optional<Sample> prev =
        state
            .previous()
            .filter(p -> p.at().isBefore(now.at()))
            .filter(p -> p.offsets().keySet().equals(now.offsets().keySet()));
    double mu = state.perReplicaRate();
    boolean measured = state.rateMeasured();
    if (prev.isEmpty()) {
      OptionalDouble arrival =
          state.arrivalRate().isPresent() ? state.arrivalRate() : o.productionRate();
      return new Measured(
          arrival,
          o.productionRate(),
          state.arrivalSlope(),
          o.consumptionRate(),
          mu,
          measured,
          false,
          false,
          false,
          false);
    }
    Sample p = prev.get();
    double dt = seconds(Duration.between(p.at(), now.at()));
    double produced = 0;
    double consumed = 0;
    double consumedLagging = 0;
    int lagging = 0;
    boolean producedKnown = true;
    boolean consumedKnown = true;
    for (var e : now.offsets().entrySet()) {
      Offsets a = p.offsets().get(e.getKey());
      Offsets b = e.getValue();
      if (a.logEnd() >= 0 && b.logEnd() >= a.logEnd()) {
        produced += b.logEnd() - a.logEnd();
      } else {
        producedKnown = false; // a topic recreated, or the end unknown: no rate from this pair
      }
      long delta =
          a.committed() >= 0 && b.committed() >= a.committed() ? b.committed() - a.committed() : -1;
      if (delta < 0) {
        consumedKnown = false;
        continue;
      }
      consumed += delta;
      // Behind means more waiting than a second of this partition's own arrivals: a consumer
      // that commits after each batch always leaves about that much in flight, and counting it as
      // a backlog would "measure" its capacity as the arrival rate and keep spare replicas.
      double arrivedPerSecond =
          a.logEnd() >= 0 && b.logEnd() >= a.logEnd() ? (b.logEnd() - a.logEnd()) / dt : 0;
      if (a.lag() > 0 && b.lag() > arrivedPerSecond) {
        lagging++;
        consumedLagging += delta;
      }
    }
    OptionalDouble arrivalNow =
        producedKnown ? OptionalDouble.of(produced / dt) : o.productionRate();
    OptionalDouble arrival = arrivalNow;
    double slope = state.arrivalSlope();
    if (arrivalNow.isPresent() && state.arrivalRate().isPresent()) {
      double old = state.arrivalRate().getAsDouble();
      double smoothed = old + policy.arrivalSmoothing() * (arrivalNow.getAsDouble() - old);
      arrival = OptionalDouble.of(smoothed);
      slope = 0.5 * slope + 0.5 * (smoothed - old) / dt;
    } else if (arrivalNow.isEmpty()) {
      arrival = state.arrivalRate();
    }
    OptionalDouble consumption =
        consumedKnown ? OptionalDouble.of(consumed / dt) : o.consumptionRate();

    boolean steady = p.clean() && now.clean() && p.members() == now.members();
    // No commit on partitions behind at both polls; or none at all while messages arrived and
    // lag built up (a group that was caught up and stopped).
    boolean noProgress =
        steady
            && consumedKnown
            && ((lagging > 0 && consumedLagging == 0)
                || (now.totalLag() > 0 && consumed == 0 && produced > 0));
    if (steady && consumedKnown && consumedLagging > 0) {
      int partitions = now.offsets().size();
      int members = now.members();
      double sampleRate = 0;
      if (lagging == partitions) {
        // Every partition is behind: every consumer is busy, the group serves members x mu.
        sampleRate = consumed / dt / members;
      } else if (now.totalLag() >= p.totalLag() && lagging >= ceilDiv(partitions, members)) {
        // Lag grows on some partitions: those belong to the busiest consumers, which serve
        // ceil(P / members) partitions each at mu / ceil(P / members). A busy consumer is behind
        // on every partition it owns, so fewer lagging partitions than one consumer's share are a
        // hiccup (a slow batch, a GC pause), not a saturated consumer: no sample.
        sampleRate = consumedLagging / dt / lagging * ceilDiv(partitions, members);
      }
      if (sampleRate > 0) {
        mu = measured ? mu + policy.rateSmoothing() * (sampleRate - mu) : sampleRate;
        measured = true;
      }
    }
    if (steady && consumption.isPresent()) {
      // Whatever the group consumes per member is a floor for what one replica can serve.
      mu = Math.max(mu, consumption.getAsDouble() / now.members());
    }
    boolean progressSeen = steady && consumedLagging > 0;
    boolean keepsUp =
        steady
            && consumption.isPresent()
            && arrivalNow.isPresent()
            && consumption.getAsDouble() >= 0.95 * arrivalNow.getAsDouble();
    return new Measured(
        arrival,
        arrivalNow,
        slope,
        consumption,
        mu,
        measured,
        noProgress,
        progressSeen,
        keepsUp,
        steady);
  }

  // ---- sizing -------------------------------------------------------------------------------

  private static void size(
      Step step,
      GroupSignals.Observed o,
      int current,
      int partitions,
      ScalingPolicy policy,
      Measured m,
      OptionalDouble timeLag,
      double target,
      double pause,
      boolean changedRecently) {
    long lag = o.totalLag();
    // The backlog must be gone before its oldest message passes the target: the headroom left,
    // not the whole target (a quarter of it at least, so one late poll does not ask for max).
    double drain = Math.max(target - timeLag.orElse(0), target / 4);
    double fraction; // the need, in replicas that each carry a full share
    switch (policy.mode()) {
      case LAG -> {
        fraction = (double) lag / policy.lagPerReplica();
        sized(
            step,
            fraction,
            current,
            partitions,
            policy,
            String.format(
                Locale.ROOT, "lag %s / %s per replica", num(lag), num(policy.lagPerReplica())));
      }
      case RATE -> {
        if (m.arrival.isEmpty()) {
          step.set(current, Reason.WARMING_UP, "arrival rate not known yet");
          return;
        }
        double arrival = m.arrival.getAsDouble();
        double capacity = m.perReplicaRate * policy.targetUtilization();
        double need = arrival + lag / drain;
        fraction = need / capacity;
        int n = countFor(fraction, partitions, policy.evenDistribution());
        double backlog = lag;
        String cost = "";
        double caughtUp = Math.max(1.0, target * 0.1);
        if (n < current
            && current > 0
            && timeLag.orElse(0) + pause > target * CALM
            && timeLag.orElse(0) > caughtUp) {
          // A change pauses every consumer while the group rebalances: the time lag grows by the
          // pause. Shrinking is only worth it when that leaves the group well within target, so
          // wait while the time lag can still shrink. Once caught up, waiting cannot make the
          // pause cheaper (it may alone exceed the margin when pods start slowly): shrink then,
          // or the group would hold its extra replicas forever.
          step.set(
              current,
              Reason.REBALANCE_COST,
              String.format(
                  Locale.ROOT,
                  "%d would do, but time lag %.0f s + a %.0f s rebalance > 3/4 of the target",
                  n,
                  timeLag.orElse(0),
                  pause));
          return;
        }
        if (n > current && current > 0 && pause > 0) {
          // Growing pauses the group too: size for what arrives during the pause as well.
          backlog = lag + arrival * pause;
          need = arrival + backlog / drain;
          fraction = need / capacity;
          cost =
              String.format(
                  Locale.ROOT,
                  "incl. %s msgs arriving in a %.0f s rebalance",
                  num(arrival * pause),
                  pause);
        }
        n = sized(step, fraction, current, partitions, policy, cost);
        double ahead = seconds(policy.stepAhead());
        if (n > current && m.slope > 0 && ahead > 0) {
          double aheadNeed = arrival + m.slope * ahead + backlog / drain;
          int a = countFor(aheadNeed / capacity, partitions, policy.evenDistribution());
          if (a > n) {
            step.set(
                a,
                Reason.SCALE_UP_AHEAD,
                String.format(
                    Locale.ROOT,
                    "arrival rising %.1f msg/s per s, sized for %s msg/s in %.0f s",
                    m.slope,
                    num(arrival + m.slope * ahead),
                    ahead));
          }
        }
      }
      default -> throw new IllegalStateException("unknown mode " + policy.mode());
    }
    if (current > 0 && step.replicas != current) {
      double ratio = fraction / effective(current, partitions, policy.evenDistribution());
      boolean atRisk = timeLag.isPresent() && timeLag.getAsDouble() > target;
      // Tolerance must not hide a real need to grow (KEDA #2908's dead band near the cap).
      if (Math.abs(ratio - 1) <= policy.tolerance() && !(step.replicas > current && atRisk)) {
        step.set(
            current,
            Reason.WITHIN_TOLERANCE,
            String.format(
                Locale.ROOT,
                "need %.2f replicas, within %.0f%% of %d",
                fraction,
                policy.tolerance() * 100,
                current));
        return;
      }
    }
    if (step.replicas > current && current > 0) {
      // The tracker dates a stall from the last commit, which for a group that was idle can be
      // long before the lag appeared: trust it only without our own evidence of progress and
      // when no change (a wake, a rebalance) happened within its window.
      boolean trackerStall =
          o.worstStatus() == PartitionStatus.STALLED && !m.progressSeen && !changedRecently;
      if (trackerStall || m.noProgress) {
        step.set(
            current,
            Reason.STALLED,
            trackerStall
                ? o.statusCounts().getOrDefault(PartitionStatus.STALLED, 0)
                    + " partitions with lag and no commits: more consumers will not unblock them"
                : "no commits on lagging partitions since the last poll: more consumers will not"
                    + " unblock them");
        return;
      }
      if (catchingUp(step, current, lag, m, timeLag, target, drain)) {
        return;
      }
      if (policy.mode() == ScalingPolicy.Mode.RATE) {
        // In LAG mode the lag itself is the need (KEDA's meaning); in RATE mode the count is a
        // forecast, which a group that keeps up can refute.
        keepingUp(step, current, o, policy, m, timeLag, target);
      }
    }
  }

  /** CATCHING_UP: consumption beats arrival fast enough; returns true when it holds. */
  private static boolean catchingUp(
      Step step,
      int current,
      long lag,
      Measured m,
      OptionalDouble timeLag,
      double target,
      double drain) {
    if (m.consumption.isEmpty() || m.arrivalNow.isEmpty() || lag <= 0) {
      return false;
    }
    // Both measured over the same interval: the smoothed arrival would lag a rise.
    double net = m.consumption.getAsDouble() - m.arrivalNow.getAsDouble();
    if (net <= 0) {
      return false;
    }
    if (lag / net <= drain) {
      step.set(
          current,
          Reason.CATCHING_UP,
          String.format(
              Locale.ROOT,
              "draining %s msg/s net, lag gone in %.0f s <= %.0f s left of target %.0f s",
              num(net),
              lag / net,
              drain,
              target));
      return true;
    }
    // The backlog a rebalance leaves behind: the time lag falls and is well within the target.
    if (timeLag.isPresent() && timeLag.getAsDouble() <= target * CALM) {
      step.set(
          current,
          Reason.CATCHING_UP,
          String.format(
              Locale.ROOT,
              "draining %s msg/s net (lag gone in %.0f s), time lag %.0f s falling and within 3/4"
                  + " of target %.0f s",
              num(net),
              lag / net,
              timeLag.getAsDouble(),
              target));
      return true;
    }
    return false;
  }

  /**
   * KEEPING_UP: a forecast (the prior, the utilization headroom, a rising arrival) is not a need
   * while the group keeps up well within its target, or falls behind so slowly that the time lag
   * stays calm for as long as a scale-up takes to help: a change would cost a rebalance now for a
   * shortfall that may never come, and the next poll sees it if it does.
   */
  private static void keepingUp(
      Step step,
      int current,
      GroupSignals.Observed o,
      ScalingPolicy policy,
      Measured m,
      OptionalDouble timeLag,
      double target) {
    if (!m.steady
        || timeLag.isEmpty()
        || o.worstStatus() == PartitionStatus.FALLING_BEHIND
        || timeLag.getAsDouble() > target * CALM) {
      return;
    }
    String source = m.rateMeasured ? "the model" : "the prior";
    if (m.keepsUp) {
      step.set(
          current,
          Reason.KEEPING_UP,
          String.format(
              Locale.ROOT,
              "%s asks for %d, but the group keeps up (time lag %.0f s)",
              source,
              step.replicas,
              timeLag.getAsDouble()));
      return;
    }
    double horizon = seconds(policy.reactionTime());
    if (horizon <= 0
        || m.consumption.isEmpty()
        || m.arrivalNow.isEmpty()
        || m.arrivalNow.getAsDouble() <= 0
        || m.consumption.getAsDouble() <= 0) {
      return;
    }
    // The time lag grows by 1 - consumption / arrival seconds each second, faster by the end of
    // the horizon when the arrival keeps rising.
    double growth = Math.max(0, 1 - m.consumption.getAsDouble() / m.arrivalNow.getAsDouble());
    double later = m.arrivalNow.getAsDouble() + Math.max(0, m.slope) * horizon;
    double growthLater = Math.max(0, 1 - m.consumption.getAsDouble() / later);
    double projected = timeLag.getAsDouble() + (growth + growthLater) / 2 * horizon;
    if (projected <= target * CALM) {
      step.set(
          current,
          Reason.KEEPING_UP,
          String.format(
              Locale.ROOT,
              "%s asks for %d, but the time lag (%.0f s, growing %.2f s/s) stays under 3/4 of the"
                  + " target for the next %.0f s",
              source,
              step.replicas,
              timeLag.getAsDouble(),
              growth,
              horizon));
    }
  }

  /** Sets the count for a need of {@code fraction} full replicas; returns it. */
  private static int sized(
      Step step,
      double fraction,
      int current,
      int partitions,
      ScalingPolicy policy,
      String detail) {
    int plain = countFor(fraction, partitions, false);
    int n = countFor(fraction, partitions, policy.evenDistribution());
    if (n != plain && n != current) {
      int busiest = ceilDiv(partitions, Math.min(plain, partitions));
      step.set(
          n,
          Reason.EVEN_DISTRIBUTION,
          String.format(
                  Locale.ROOT,
                  "need %.2f replicas; %d would serve like %s (busiest has %d of %d partitions)",
                  fraction,
                  plain,
                  num((double) partitions / busiest),
                  busiest,
                  partitions)
              + (detail.isEmpty() ? "" : ", " + detail));
    } else {
      step.set(n, direction(n, current), detail);
    }
    return n;
  }

  private static Reason direction(int n, int current) {
    return n > current ? Reason.SCALE_UP : n < current ? Reason.SCALE_DOWN : Reason.AT_TARGET;
  }

  /**
   * Replicas for a need of {@code fraction} full replicas. With even distribution the busiest
   * consumer sets the pace (12 partitions on 5 consumers serve like 4), so the count is the
   * smallest one whose busiest consumer keeps up; other counts stay reachable through the bounds.
   */
  static int countFor(double fraction, int partitions, boolean even) {
    if (fraction <= 0) {
      return 0;
    }
    int plain = (int) Math.min(Integer.MAX_VALUE, Math.ceil(fraction - 1e-9));
    if (!even || partitions <= 0 || plain >= partitions) {
      return plain;
    }
    for (int d = plain; d <= partitions; d++) {
      if (effective(d, partitions, even) >= fraction - 1e-9) {
        return d;
      }
    }
    return partitions;
  }

  /** Full-share replicas that {@code d} consumers are worth, given how partitions spread. */
  static double effective(int d, int partitions, boolean even) {
    if (!even || d <= 0 || partitions <= 0) {
      return d;
    }
    int busiest = ceilDiv(partitions, Math.min(d, partitions));
    return (double) partitions / busiest;
  }

  // ---- bounds -------------------------------------------------------------------------------

  /** Applies zero, min, max and the partition cap; returns true when this wakes from zero. */
  private static boolean bound(
      Step step,
      int current,
      int partitions,
      long lag,
      Optional<Instant> idleSince,
      Instant now,
      ScalingPolicy policy) {
    boolean wake = false;
    if (policy.scaleToZero()) {
      if (current == 0) {
        if (lag > policy.activationLag()) {
          wake = true;
          step.set(
              Math.max(step.replicas, 1),
              Reason.WAKE_FROM_ZERO,
              "lag " + num(lag) + " > activation " + num(policy.activationLag()));
        } else {
          step.set(
              0,
              Reason.BELOW_ACTIVATION,
              "lag " + num(lag) + " <= activation " + num(policy.activationLag()));
          return false;
        }
      } else if (idleSince.isPresent()
          && Duration.between(idleSince.get(), now).compareTo(policy.idlePeriod()) >= 0) {
        step.set(
            0,
            Reason.SCALE_TO_ZERO,
            "no lag and no production for "
                + Duration.between(idleSince.get(), now).toSeconds()
                + " s >= idle period "
                + policy.idlePeriod().toSeconds()
                + " s");
        return false;
      }
    }
    int floor = policy.scaleToZero() ? Math.max(1, policy.minReplicas()) : policy.minReplicas();
    if (step.replicas < floor) {
      step.set(floor, Reason.MIN_REPLICAS, "raised to min " + floor);
    }
    if (step.replicas > policy.maxReplicas()) {
      step.set(policy.maxReplicas(), Reason.MAX_REPLICAS, "capped at max " + policy.maxReplicas());
    }
    if (step.replicas > partitions) {
      step.set(
          Math.max(partitions, 1),
          Reason.PARTITION_CAP,
          "capped at " + partitions + " partitions, more consumers would sit idle");
    }
    return wake;
  }

  // ---- holds --------------------------------------------------------------------------------

  private static void hold(
      Step step,
      int current,
      GroupSignals.Observed o,
      Instant now,
      ScalingPolicy policy,
      DecisionState state,
      boolean wake,
      int partitions,
      boolean urgent) {
    String wanted = " (wanted " + step.replicas + ")";
    if (o.state() == GroupState.REBALANCING) {
      holdAt(
          step,
          current,
          Reason.HOLD_REBALANCING,
          "the group is rebalancing" + wanted,
          policy,
          partitions);
      return;
    }
    if (wake) {
      return; // nothing consumes at zero: no rebalance to settle, no budget worth keeping
    }
    if (!state.events().isEmpty()) {
      ScaleEvent last = state.events().getLast();
      Duration since = Duration.between(last.at(), now);
      if (since.compareTo(policy.settleTime()) < 0) {
        holdAt(
            step,
            current,
            Reason.HOLD_SETTLING,
            since.toSeconds()
                + " s since the change to "
                + last.to()
                + " < settle time "
                + policy.settleTime().toSeconds()
                + " s"
                + wanted,
            policy,
            partitions);
        return;
      }
    }
    long lastHour = state.events().stream().filter(e -> e.at().isAfter(now.minus(HOUR))).count();
    // The budget stops flapping; it never stops a scale-up once the time lag is past half the
    // target.
    if (lastHour >= policy.maxScaleEventsPerHour() && !(step.replicas > current && urgent)) {
      holdAt(
          step,
          current,
          Reason.EVENT_BUDGET,
          lastHour
              + " changes in the last hour >= budget "
              + policy.maxScaleEventsPerHour()
              + wanted,
          policy,
          partitions);
    }
  }

  private static boolean outsideBounds(int current, int partitions, ScalingPolicy policy) {
    boolean asleep = policy.scaleToZero() && current == 0;
    int floor =
        asleep
            ? 0
            : policy.scaleToZero() ? Math.max(1, policy.minReplicas()) : policy.minReplicas();
    return current < Math.min(floor, partitions)
        || current > policy.maxReplicas()
        || current > partitions;
  }

  /**
   * Holds the current count, unless it lies outside the bounds (the policy changed, or someone
   * scaled by hand): a hold never keeps a count the bounds forbid.
   */
  private static void holdAt(
      Step step, int current, Reason reason, String detail, ScalingPolicy policy, int partitions) {
    step.set(current, reason, detail);
    boolean asleep = policy.scaleToZero() && current == 0;
    int floor =
        asleep
            ? 0
            : policy.scaleToZero() ? Math.max(1, policy.minReplicas()) : policy.minReplicas();
    // The same order as the bounds: min, then max, then the partitions, each over the last.
    if (step.replicas < floor) {
      step.set(floor, Reason.MIN_REPLICAS, "raised to min " + floor + " despite: " + detail);
    }
    if (step.replicas > policy.maxReplicas()) {
      step.set(
          policy.maxReplicas(),
          Reason.MAX_REPLICAS,
          "capped at max " + policy.maxReplicas() + " despite: " + detail);
    }
    if (partitions > 0 && step.replicas > partitions) {
      step.set(
          partitions,
          Reason.PARTITION_CAP,
          "capped at " + partitions + " partitions despite: " + detail);
    }
  }

  // ---- per-period rate limits (the HPA's calculateScale{Up,Down}LimitWithScalingRules) --------

  private static void rateLimit(
      Step step, int current, Instant now, ScalingPolicy policy, List<ScaleEvent> events) {
    if (step.replicas > current) {
      int limit = Math.max(current, scaleUpLimit(current, now, events, policy.scaleUp()));
      if (step.replicas > limit) {
        step.set(
            limit,
            Reason.SCALE_UP_LIMIT,
            "scale-up rate limit " + limit + " (wanted " + step.replicas + ")");
      }
    } else if (step.replicas < current) {
      int limit = Math.min(current, scaleDownLimit(current, now, events, policy.scaleDown()));
      if (step.replicas < limit) {
        step.set(
            limit,
            Reason.SCALE_DOWN_LIMIT,
            "scale-down rate limit " + limit + " (wanted " + step.replicas + ")");
      }
    }
  }

  static int scaleUpLimit(int current, Instant now, List<ScaleEvent> events, ScalingRules rules) {
    if (rules.select() == Select.DISABLED || rules.policies().isEmpty()) {
      return rules.select() == Select.DISABLED ? current : Integer.MAX_VALUE;
    }
    boolean max = rules.select() == Select.MAX;
    long result = max ? Long.MIN_VALUE : Long.MAX_VALUE;
    for (RatePolicy p : rules.policies()) {
      int start = periodStart(current, now, events, p.period());
      long proposed =
          switch (p.type()) {
            case PODS -> (long) start + p.value();
            case PERCENT -> (long) Math.ceil(start * (1 + p.value() / 100.0));
          };
      result = max ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return (int) Math.min(Integer.MAX_VALUE, result);
  }

  static int scaleDownLimit(int current, Instant now, List<ScaleEvent> events, ScalingRules rules) {
    if (rules.select() == Select.DISABLED || rules.policies().isEmpty()) {
      return rules.select() == Select.DISABLED ? current : 0;
    }
    // For scale down, the policy allowing the most change gives the lowest count.
    boolean most = rules.select() == Select.MAX;
    long result = most ? Long.MAX_VALUE : Long.MIN_VALUE;
    for (RatePolicy p : rules.policies()) {
      int start = periodStart(current, now, events, p.period());
      long proposed =
          switch (p.type()) {
            case PODS -> (long) start - p.value();
            case PERCENT -> (long) (start * (1 - p.value() / 100.0));
          };
      result = most ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return (int) Math.max(0, result);
  }

  /** The count at the start of the period: the current one minus the changes made within it. */
  private static int periodStart(
      int current, Instant now, List<ScaleEvent> events, Duration period) {
    Instant cutoff = now.minus(period);
    int changed = 0;
    for (ScaleEvent e : events) {
      if (e.at().isAfter(cutoff)) {
        changed += e.change();
      }
    }
    return current - changed;
  }

  // ---- stabilization (the HPA's stabilizeRecommendationWithBehaviors) -------------------------

  private static void stabilize(
      Step step, int current, Instant now, ScalingPolicy policy, List<Recommendation> recs) {
    if (step.replicas > current) {
      Instant cutoff = now.minus(policy.scaleUp().stabilizationWindow());
      int low = step.replicas;
      for (Recommendation r : recs) {
        if (!r.at().isBefore(cutoff)) {
          low = Math.min(low, r.replicas());
        }
      }
      int stable = Math.max(current, low);
      if (stable < step.replicas) {
        step.set(
            stable,
            Reason.SCALE_UP_STABILIZED,
            "lowest recommendation in the last "
                + policy.scaleUp().stabilizationWindow().toSeconds()
                + " s is "
                + low
                + " (wanted "
                + step.replicas
                + ")");
      }
    } else if (step.replicas < current) {
      Instant cutoff = now.minus(policy.scaleDown().stabilizationWindow());
      int high = step.replicas;
      for (Recommendation r : recs) {
        if (!r.at().isBefore(cutoff)) {
          high = Math.max(high, r.replicas());
        }
      }
      int stable = Math.min(current, high);
      if (stable > step.replicas) {
        step.set(
            stable,
            Reason.SCALE_DOWN_STABILIZED,
            "highest recommendation in the last "
                + policy.scaleDown().stabilizationWindow().toSeconds()
                + " s is "
                + high
                + " (wanted "
                + step.replicas
                + ")");
      }
    }
  }

  // ---- state --------------------------------------------------------------------------------

  private static DecisionState prune(Instant now, ScalingPolicy policy, DecisionState state) {
    Duration keepEvents = HOUR;
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
    for (ScaleEvent e : state.events()) {
      if (e.at().isAfter(eventCutoff)) {
        events.add(e);
      }
    }
    // The newest event is kept whatever its age: the settle time starts from it.
    if (events.isEmpty() && !state.events().isEmpty()) {
      events.add(state.events().getLast());
    }
    List<Recommendation> recs = new ArrayList<>();
    for (Recommendation r : state.recommendations()) {
      if (!r.at().isBefore(recCutoff)) {
        recs.add(r);
      }
    }
    return new DecisionState(
        events,
        recs,
        state.failedPolls(),
        state.perReplicaRate(),
        state.rateMeasured(),
        state.arrivalRate(),
        state.arrivalSlope(),
        state.previous(),
        state.idleSince(),
        state.partitions(),
        state.rebalanceSeconds(),
        state.rebalancingSince());
  }

  private static List<ScaleEvent> withEvent(
      List<ScaleEvent> events, Instant now, int from, int to) {
    if (from == to) {
      return events;
    }
    List<ScaleEvent> out = new ArrayList<>(events);
    out.add(new ScaleEvent(now, from, to));
    return out;
  }

  // ---- explanation --------------------------------------------------------------------------

  private static Decision decision(
      Instant now,
      int current,
      int replicas,
      Reason reason,
      String detail,
      Decision.Figures f,
      ScalingPolicy policy) {
    String head =
        replicas > current
            ? "Scaled up from " + current + " to " + replicas
            : replicas < current
                ? "Scaled down from " + current + " to " + replicas
                : "Holding " + current;
    StringBuilder line = new StringBuilder(head).append(" (").append(reason.name()).append(')');
    List<String> parts = new ArrayList<>();
    if (!detail.isEmpty()) {
      parts.add(detail);
    }
    if (f.totalLag() >= 0) {
      parts.add("lag " + num(f.totalLag()));
    }
    double target = seconds(policy.targetLag());
    if (f.timeLagSeconds().isPresent()) {
      double t = f.timeLagSeconds().getAsDouble();
      parts.add(
          String.format(
              Locale.ROOT, "time lag %.0f s %s target %.0f s", t, t > target ? ">" : "<=", target));
    }
    if (f.arrivalRate().isPresent()) {
      parts.add("arrival " + num(f.arrivalRate().getAsDouble()) + " msg/s");
    }
    if (policy.mode() == ScalingPolicy.Mode.RATE) {
      parts.add(
          "per-replica "
              + num(f.perReplicaRate())
              + " msg/s"
              + (f.perReplicaRateMeasured() ? "" : " (prior)"));
    }
    if (!parts.isEmpty()) {
      line.append(": ").append(String.join(", ", parts));
    }
    return new Decision(now, current, replicas, reason, line.toString(), f);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%,d", Math.round(v));
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
