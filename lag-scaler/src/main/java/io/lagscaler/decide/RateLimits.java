package io.lagscaler.decide;

import io.lagscaler.decide.History.ScaleEvent;
import io.lagscaler.decide.ScalingPolicy.RatePolicy;
import io.lagscaler.decide.ScalingPolicy.ScalingRules;
import io.lagscaler.decide.ScalingPolicy.Select;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The per-period rate limits of {@code scaleUp} and {@code scaleDown} (the HPA's
 * calculateScale{Up,Down}LimitWithScalingRules). Skipped when waking from or going to zero (the
 * activation threshold and idle period are their own limits) and when the current count lies
 * outside the bounds (it goes straight into them).
 */
final class RateLimits implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    int current = c.current();
    if (!paced(p, c)) {
      return p;
    }
    List<ScaleEvent> events = c.history().events();
    if (p.replicas() > current) {
      int limit = Math.max(current, scaleUpLimit(current, c.now(), events, c.policy().scaleUp()));
      if (p.replicas() > limit) {
        return p.set(
            limit,
            Reason.SCALE_UP_LIMIT,
            "scale-up rate limit " + limit + Explanation.wanted(p.replicas()));
      }
    } else {
      int limit =
          Math.min(current, scaleDownLimit(current, c.now(), events, c.policy().scaleDown()));
      if (p.replicas() < limit) {
        return p.set(
            limit,
            Reason.SCALE_DOWN_LIMIT,
            "scale-down rate limit " + limit + Explanation.wanted(p.replicas()));
      }
    }
    return p;
  }

  /** Whether limits and windows pace this change: a change between counts the policy allows. */
  static boolean paced(Proposal p, Context c) {
    int current = c.current();
    boolean toZero = p.replicas() == 0 && current > 0;
    return p.replicas() != current && !c.wakes() && !toZero && !c.outsideBounds();
  }

  static int scaleUpLimit(int current, Instant now, List<ScaleEvent> events, ScalingRules rules) {
    if (rules.select() == Select.DISABLED || rules.policies().isEmpty()) {
      return rules.select() == Select.DISABLED ? current : Integer.MAX_VALUE;
    }
    boolean max = rules.select() == Select.MAX;
    long result = max ? Long.MIN_VALUE : Long.MAX_VALUE;
    for (RatePolicy r : rules.policies()) {
      int start = periodStart(current, now, events, r.period());
      long proposed =
          switch (r.type()) {
            case PODS -> (long) start + r.value();
            case PERCENT -> (long) Math.ceil(start * (1 + r.value() / 100.0));
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
    for (RatePolicy r : rules.policies()) {
      int start = periodStart(current, now, events, r.period());
      long proposed =
          switch (r.type()) {
            case PODS -> (long) start - r.value();
            case PERCENT -> (long) (start * (1 - r.value() / 100.0));
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
}
