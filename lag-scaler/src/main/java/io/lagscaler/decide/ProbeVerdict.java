package io.lagscaler.decide;

import io.lagscaler.decide.History.Probe;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The result of a probe step down ({@link ProbeDown}), measured: while the probe's count runs, a
 * saturated interval (the rate measured) or a time lag past half the target means the estimate was
 * right: back to the count before the probe at once, without waiting out the settle time ({@code
 * PROBE_UNDONE}). Kept up, caught up, for the settle time and {@code PROBE_VERDICT} after it: what
 * the fewer replicas consumed per replica is the new floor of the rate ({@code PROBE_KEPT_UP}).
 */
final class ProbeVerdict implements Rule {

  /** What a probe came to at this poll. */
  enum Verdict {
    NONE,
    FELL_BEHIND,
    KEPT_UP
  }

  static Verdict of(Context c) {
    Optional<Probe> probe = c.history().probe();
    if (probe.isEmpty() || c.current() != probe.get().to()) {
      return Verdict.NONE;
    }
    if (c.measured().saturated() || c.urgent()) {
      return Verdict.FELL_BEHIND;
    }
    Duration since = Duration.between(probe.get().at(), c.now());
    if (c.keepsUpCaughtUp()
        && since.compareTo(c.policy().settleTime().plus(EngineConstants.PROBE_VERDICT)) >= 0) {
      return Verdict.KEPT_UP;
    }
    return Verdict.NONE;
  }

  @Override
  public Proposal apply(Proposal p, Context c) {
    Verdict v = of(c);
    if (v == Verdict.NONE) {
      return p;
    }
    Probe probe = c.history().probe().orElseThrow();
    if (v == Verdict.FELL_BEHIND) {
      // The count before the probe, or more if the sizing asks for it; within the bounds.
      int back =
          Math.min(
              Math.max(p.replicas(), probe.from()),
              Math.min(c.policy().maxReplicas(), c.partitions()));
      return p.set(
          back,
          Reason.PROBE_UNDONE,
          String.format(
              Locale.ROOT,
              "%d fell behind as the estimate of %s msg/s per replica said: back to %d, next probe"
                  + " after %d s of keeping up",
              probe.to(),
              Explanation.num(probe.rateBefore()),
              back,
              nextWait(c, v).toSeconds()));
    }
    if (p.replicas() != c.current()) {
      return p;
    }
    return p.set(
        p.replicas(),
        Reason.PROBE_KEPT_UP,
        String.format(
            Locale.ROOT,
            "%d kept up: per-replica rate at least %s msg/s (was %s)",
            probe.to(),
            Explanation.num(c.measured().perReplicaRate()),
            Explanation.num(probe.rateBefore())));
  }

  /** The wait before the next probe: doubled after a confirmation, short after a raise. */
  static Duration nextWait(Context c, Verdict v) {
    Duration wait = c.learned().probeWait();
    return switch (v) {
      case FELL_BEHIND -> {
        Duration doubled = wait.multipliedBy(2);
        if (doubled.compareTo(EngineConstants.PROBE_AFTER) < 0) {
          doubled = EngineConstants.PROBE_AFTER.multipliedBy(2);
        }
        yield doubled.compareTo(EngineConstants.PROBE_WAIT_MAX) > 0
            ? EngineConstants.PROBE_WAIT_MAX
            : doubled;
      }
      case KEPT_UP -> EngineConstants.PROBE_AFTER_SUCCESS;
      case NONE -> wait;
    };
  }
}
