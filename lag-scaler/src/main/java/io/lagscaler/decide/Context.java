package io.lagscaler.decide;

import io.lagscaler.decide.History.Recommendation;
import io.lagscaler.decide.History.ScaleEvent;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.TimeLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the rules know at one poll: the signals, the policy, what was measured and learned, what
 * happened before, and the time.
 *
 * @param now the decision time
 * @param signals this poll's signals
 * @param current replicas the target runs
 * @param policy the target's policy
 * @param measured rates measured at this poll
 * @param learned what was learned before this poll
 * @param pause how long a change pauses the group (measured or the policy's guess)
 * @param history what happened before this poll (pruned to the windows)
 * @param idleSince since when the group has had no lag and no production, this poll included
 * @param recommendations the window's recommendations, this poll's once the bounds ran
 * @param stallAfter the signal tracker's stall threshold (a STALLED status younger than a change
 *     made within it may be stale)
 */
record Context(
    Instant now,
    GroupSignals.Observed signals,
    int current,
    ScalingPolicy policy,
    Measurement measured,
    Learned learned,
    double pause,
    History history,
    Optional<Instant> idleSince,
    List<Recommendation> recommendations,
    Duration stallAfter) {

  Context {
    recommendations = List.copyOf(recommendations);
  }

  /** The same poll, with this poll's recommendation added (for the stabilization windows). */
  Context recommending(int replicas) {
    List<Recommendation> recs = new ArrayList<>(recommendations);
    recs.add(new Recommendation(now, replicas));
    return new Context(
        now,
        signals,
        current,
        policy,
        measured,
        learned,
        pause,
        history,
        idleSince,
        recs,
        stallAfter);
  }

  int partitions() {
    return signals.partitionCount();
  }

  long lag() {
    return signals.totalLag();
  }

  OptionalDouble timeLag() {
    return signals.maxTimeLag() instanceof TimeLag.Known k
        ? OptionalDouble.of(k.seconds())
        : OptionalDouble.empty();
  }

  /** The time-lag target, in seconds. */
  double target() {
    return Explanation.seconds(policy.targetLag());
  }

  /**
   * The backlog must be gone before its oldest message passes the target: the headroom left, not
   * the whole target (a share of it at least, so one late poll does not ask for max).
   */
  double drain() {
    return Math.max(target() - timeLag().orElse(0), target() * EngineConstants.MIN_DRAIN_FRACTION);
  }

  /** A time lag this small is caught up: waiting cannot make a rebalance cheaper. */
  double caughtUp() {
    return Math.max(
        EngineConstants.CAUGHT_UP_MIN_SECONDS, target() * EngineConstants.CAUGHT_UP_FRACTION);
  }

  /** The group kept up over a steady interval and is caught up: far from falling behind. */
  boolean keepsUpCaughtUp() {
    return measured.steady()
        && measured.keepsUp()
        && timeLag().isPresent()
        && timeLag().getAsDouble() <= caughtUp();
  }

  /** Seconds since the previous poll (0 after a gap). */
  double pollInterval() {
    return history
        .previous()
        .map(p -> Explanation.seconds(Duration.between(p.at(), now)))
        .orElse(0.0);
  }

  /** The window's arrivals with this poll's, oldest first. */
  List<History.Arrival> arrivals() {
    List<History.Arrival> all = new ArrayList<>(history.arrivals());
    measured.arrivalNow().ifPresent(a -> all.add(new History.Arrival(now, a)));
    return all;
  }

  /**
   * The arrival the target can absorb: the mean over a window as long as the time left before the
   * target (the time a message arriving now may wait), not only the latest rate. A load that swings
   * faster than that is served at its mean, the backlog of each peak drained in the trough after
   * it; one that stays high fills the window and is served in full. Empty before any arrival.
   */
  OptionalDouble absorbedArrival() {
    Instant from = now.minusMillis(Math.round(drain() * 1000));
    double sum = 0;
    int n = 0;
    for (History.Arrival a : arrivals()) {
      if (a.at().isAfter(from)) {
        sum += a.rate();
        n++;
      }
    }
    return n == 0 ? measured.arrival() : OptionalDouble.of(sum / n);
  }

  /** At zero, lag passed the activation threshold: nothing consumes, nothing to settle. */
  boolean wakes() {
    return policy.scaleToZero() && current == 0 && lag() > policy.activationLag();
  }

  /** Past half the target: a scale-up is needed soon enough that no budget waits. */
  boolean urgent() {
    return timeLag().isPresent()
        && timeLag().getAsDouble() > target() * EngineConstants.URGENT_FRACTION;
  }

  /**
   * The current count lies outside the bounds (the policy changed, or someone scaled by hand): it
   * goes straight into them, as the HPA does, without rate limits or windows.
   */
  boolean outsideBounds() {
    int floor = Bounds.floor(policy, current);
    return current < Math.min(floor, partitions())
        || current > policy.maxReplicas()
        || current > partitions();
  }

  /** A change within the tracker's stall window may have made its STALLED stale. */
  boolean changedRecently() {
    Optional<ScaleEvent> last = history.lastEvent();
    return last.isPresent() && Duration.between(last.get().at(), now).compareTo(stallAfter) < 0;
  }
}
