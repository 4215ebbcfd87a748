package io.lagscaler.observe;

/** Which rebalance protocol the group uses; it sets the cost of each scale event. */
public enum GroupProtocol {
  /** The classic protocol (eager or cooperative assignors). */
  CLASSIC,
  /** KIP-848 {@code group.protocol=consumer}: broker-side, incremental. */
  CONSUMER,
  /** Not reported (for example an empty group). */
  UNKNOWN
}
