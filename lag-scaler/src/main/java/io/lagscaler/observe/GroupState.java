package io.lagscaler.observe;

/** A consumer group's state, reduced to what scaling needs. */
public enum GroupState {
  /** Members have their assignment and consume. */
  STABLE,
  /**
   * A rebalance is in progress (classic PreparingRebalance/CompletingRebalance, KIP-848
   * Reconciling/Assigning).
   */
  REBALANCING,
  /** The group exists (it has offsets) but has no members. */
  EMPTY,
  /** The group does not exist. */
  DEAD,
  /** The broker reported a state lag-scaler does not know. */
  UNKNOWN
}
