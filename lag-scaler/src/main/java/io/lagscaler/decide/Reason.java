package io.lagscaler.decide;

/**
 * Why a decision has its replica count: the last rule that set the number. A closed set, the same
 * name in the explanation, the metrics tag and docs/decisions.md.
 */
public enum Reason {
  /** The rules want the current count. */
  AT_TARGET,
  /** The need (rate or lag) exceeds what the current replicas can serve. */
  SCALE_UP,
  /** Arrival is rising: the count covers the projected need, one larger step instead of many. */
  SCALE_UP_AHEAD,
  /** The current replicas serve the need with room to spare. */
  SCALE_DOWN,
  /** The change is within the tolerance of the current count. */
  WITHIN_TOLERANCE,
  /** The group catches up fast enough to meet its time-lag target: no extra replicas. */
  CATCHING_UP,
  /**
   * RATE mode: the model forecasts a shortfall, but the group keeps up (or falls behind slowly
   * enough to stay calm for the reaction time): no extra replicas yet.
   */
  KEEPING_UP,
  /** A smaller count would serve, but its rebalance would push the time lag near the target. */
  REBALANCE_COST,
  /** Lag with no commits while members exist: more consumers will not unblock it. */
  STALLED,
  /** Raised to the minimum replicas. */
  MIN_REPLICAS,
  /** Capped at the maximum replicas. */
  MAX_REPLICAS,
  /** Capped at the partition count: more consumers would sit idle. */
  PARTITION_CAP,
  /** Lowered to the smallest count with the same partitions per consumer (same throughput). */
  EVEN_DISTRIBUTION,
  /** No lag and no production for the idle period: scaled to zero. */
  SCALE_TO_ZERO,
  /** At zero, lag passed the activation threshold. */
  WAKE_FROM_ZERO,
  /** At zero, lag at or below the activation threshold: stays at zero. */
  BELOW_ACTIVATION,
  /** Rates are not known yet (fewer than two polls): hold. */
  WARMING_UP,
  /** The group could not be read, or some of its lag is unknown: hold the current count. */
  HOLD_UNKNOWN_DATA,
  /** Too many failed polls in a row: the configured fallback count. */
  FALLBACK,
  /** The group is rebalancing: hold. */
  HOLD_REBALANCING,
  /** Within the settle time after the last change: hold. */
  HOLD_SETTLING,
  /**
   * The per-replica rate estimate is old and the group keeps up far from saturation: a step down
   * whose worst case (the estimate right) keeps the time lag within the target finds out.
   */
  PROBE_DOWN,
  /** The probe step down fell behind: the estimate is confirmed, back to the count before it. */
  PROBE_UNDONE,
  /** The probe step down kept up: the per-replica rate is at least what the fewer replicas did. */
  PROBE_KEPT_UP,
  /** The budget of scale events per hour is spent: hold. */
  EVENT_BUDGET,
  /**
   * The budget of scale events is spent, but this scale-down saves more replica-seconds before the
   * budget frees a change than its rebalances cost: made anyway.
   */
  WORTH_A_REBALANCE,
  /** Limited by the scale-up rate policies of the period. */
  SCALE_UP_LIMIT,
  /** Limited by the scale-down rate policies of the period. */
  SCALE_DOWN_LIMIT,
  /** Held by the scale-up stabilization window (the lowest recommendation in it). */
  SCALE_UP_STABILIZED,
  /** Held by the scale-down stabilization window (the highest recommendation in it). */
  SCALE_DOWN_STABILIZED;

  /** True for reasons that keep the count because the engine must not act now. */
  public boolean isHold() {
    return switch (this) {
      case HOLD_UNKNOWN_DATA, HOLD_REBALANCING, HOLD_SETTLING, EVENT_BUDGET, WARMING_UP -> true;
      default -> false;
    };
  }
}
