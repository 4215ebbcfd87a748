package io.lagscaler.controller;

/**
 * What the controller did with a target's decision at one poll. The decision's reason says why the
 * engine chose a count; the action says whether it was written, and if not, why not.
 */
public enum Action {
  /** The decision keeps the current count: nothing to write. */
  UNCHANGED,
  /** The new count was written through /scale. */
  SCALED,
  /** Dry run (global or per target): decided and explained, not written. */
  DRY_RUN,
  /** {@code lagscaler.io/paused: "true"} on the workload: held at its current count. */
  PAUSED,
  /** An HPA or KEDA ScaledObject targets the workload: lag-scaler refuses to fight it. */
  REFUSED_COMPETING_AUTOSCALER,
  /** This instance is not the leader: it observes and decides, the leader writes. */
  STANDBY,
  /**
   * The workload's cache has not synced or its watch broke: nothing decided, nothing written until
   * it is current again (unknown is not zero replicas).
   */
  HOLD_UNKNOWN_WORKLOAD,
  /** Reading or writing the workload failed; retried with backoff. */
  ERROR,
  /** Waiting for the backoff after an error to pass. */
  BACKING_OFF
}
