package io.lagscaler.decide;

import io.lagscaler.observe.GroupState;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * RATE mode: the per-replica rate is measured only while the group is saturated, and an
 * over-provisioned group never is. When the estimate fell well below the highest rate measured
 * before (a slow downstream that may have recovered), is old ({@link Learned#probeWait()} since it
 * was last measured or checked) and the group has kept up, caught up, at an unchanged count for as
 * long, a step down finds out: if the fewer replicas keep up, what they consume per replica is a
 * new floor for the rate ({@link ProbeVerdict}); if they fall behind, the step is undone and the
 * estimate confirmed. The step is the smallest count whose worst case keeps the time lag within the
 * target: the estimate right, the group falls behind from the probe's rebalance until the engine
 * sees it (two polls) and the undo helps ({@code reactionTime}), and pays two pauses. No step is
 * that safe: no probe. Runs last, on a decision that keeps the count for a reason of its own.
 */
final class ProbeDown implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    int current = c.current();
    if (!eligible(p, c)) {
      return p;
    }
    double arrival = c.measured().arrivalNow().getAsDouble();
    double mu = c.measured().perReplicaRate();
    double timeLag = c.timeLag().getAsDouble();
    double exposure =
        EngineConstants.PROBE_DETECTION_POLLS * c.pollInterval()
            + Explanation.seconds(c.policy().reactionTime());
    boolean even = c.policy().evenDistribution();
    int partitions = c.partitions();
    double currentCapacity = Counts.effective(current, partitions, even);
    int lowest =
        Math.max(
            Math.max(1, Bounds.awakeFloor(c.policy())),
            RateLimits.scaleDownLimit(
                current, c.now(), c.history().events(), c.policy().scaleDown()));
    for (int d = lowest; d < current; d++) {
      double served = Counts.effective(d, partitions, even);
      if (served >= currentCapacity) {
        break; // no fewer consumers serve less: the step would teach nothing
      }
      double growth = arrival > 0 ? Math.max(0, 1 - served * mu / arrival) : 0;
      double worst = timeLag + 2 * c.pause() + growth * exposure;
      if (worst <= c.target()) {
        return p.set(
            d,
            Reason.PROBE_DOWN,
            String.format(
                Locale.ROOT,
                "per-replica rate %s msg/s unchecked for %.0f s while %d kept up: trying %d (were"
                    + " the estimate right, the time lag would peak near %.0f s <= target %.0f s"
                    + " before %d are back)",
                Explanation.num(mu),
                age(c),
                current,
                d,
                worst,
                c.target(),
                current));
      }
    }
    return p;
  }

  private static boolean eligible(Proposal p, Context c) {
    int current = c.current();
    boolean keeps =
        switch (p.reason()) {
          case AT_TARGET, WITHIN_TOLERANCE, KEEPING_UP, PROBE_KEPT_UP -> true;
          default -> false;
        };
    return c.policy().mode() == ScalingPolicy.Mode.RATE
        && keeps
        && !p.held()
        && p.replicas() == current
        && current > Math.max(1, Bounds.awakeFloor(c.policy()))
        && c.measured().perReplicaRate()
            <= EngineConstants.PROBE_BELOW_HIGHEST * c.learned().highestRate()
        && c.history().probe().isEmpty()
        && c.signals().state() == GroupState.STABLE
        && c.keepsUpCaughtUp()
        && c.measured().arrivalNow().isPresent()
        && c.timeLag().isPresent()
        && c.pollInterval() > 0
        && c.history().keptUpSince().isPresent()
        && !c.history().keptUpSince().get().plus(c.learned().probeWait()).isAfter(c.now())
        && age(c) >= Explanation.seconds(c.learned().probeWait())
        && Budget.inWindow(c).size() + EngineConstants.PROBE_EVENTS
            <= c.policy().maxScaleEventsPerHour();
  }

  /** Seconds since the rate was last measured or checked (since it was kept up, if never). */
  private static double age(Context c) {
    Instant since = c.learned().rateCheckedAt().orElse(c.history().keptUpSince().orElse(c.now()));
    return Explanation.seconds(Duration.between(since, c.now()));
  }
}
