package io.lagscaler.decide;

import java.time.Duration;

/**
 * The engine's fixed numbers, each named once with the reason for its value. What a user may want
 * to change is a {@link ScalingPolicy} field instead; these are properties of the model itself.
 */
final class EngineConstants {

  private EngineConstants() {}

  /**
   * The fraction of the target under which the time lag counts as calm: a shrink whose rebalance
   * keeps it there is safe, and a falling time lag there needs no extra replicas.
   */
  static final double CALM = 0.75;

  /**
   * The backlog drains within the time left before the target, but never in less than this fraction
   * of the target: one late poll past the target must not ask for max.
   */
  static final double MIN_DRAIN_FRACTION = 0.25;

  /**
   * A time lag under this fraction of the target (and {@link #CAUGHT_UP_MIN_SECONDS}) is caught up:
   * waiting cannot make a rebalance cheaper.
   */
  static final double CAUGHT_UP_FRACTION = 0.1;

  /** Time lags under a second are a poll's rounding, not a backlog. */
  static final double CAUGHT_UP_MIN_SECONDS = 1.0;

  /** Past this fraction of the target a scale-up is needed soon enough that no budget waits. */
  static final double URGENT_FRACTION = 0.5;

  /**
   * Consumption of at least this fraction of the arrival over one poll interval keeps up: offsets
   * are read at slightly different moments, so an exact 1.0 would call noise a shortfall.
   */
  static final double KEEPS_UP_FRACTION = 0.95;

  /** Weight of a new rebalance timing in its moving average: half a sample's noise. */
  static final double REBALANCE_SMOOTHING = 0.5;

  /**
   * Weight of a new arrival slope in its moving average: the slope of two noisy rates is noisier.
   */
  static final double SLOPE_SMOOTHING = 0.5;

  /** The event budget counts the changes of this window ({@code maxScaleEventsPerHour}). */
  static final Duration BUDGET_WINDOW = Duration.ofHours(1);

  /**
   * A per-replica rate estimate this old, with the group keeping up far from saturation all the
   * while, is checked by a probe step down: an over-provisioned group is never saturated, so
   * without one a rate that recovered (a slow store back to speed) would never be seen.
   */
  static final Duration PROBE_AFTER = Duration.ofMinutes(5);

  /**
   * Only an estimate this far below the highest rate ever measured is probed: a rate that fell (a
   * slow store) may come back, while probing one that never changed only costs rebalances.
   */
  static final double PROBE_BELOW_HIGHEST = 0.8;

  /** The longest wait between probes that keep confirming the estimate (doubling up to it). */
  static final Duration PROBE_WAIT_MAX = Duration.ofHours(1);

  /**
   * After a probe that kept up, the next one may follow once the group has kept up for this long at
   * the new count: the estimate is only a lower bound then.
   */
  static final Duration PROBE_AFTER_SUCCESS = Duration.ofSeconds(60);

  /** A probe that kept up this long after the settle time has its verdict: the group keeps up. */
  static final Duration PROBE_VERDICT = Duration.ofSeconds(30);

  /** Polls the engine needs after a probe's rebalance to see it fall behind (two rates). */
  static final int PROBE_DETECTION_POLLS = 2;

  /** Probes are made only while the event budget has room for the probe and its undo. */
  static final int PROBE_EVENTS = 2;

  /** Rounding slack when a need in replicas is compared with a whole count. */
  static final double COUNT_EPSILON = 1e-9;
}
