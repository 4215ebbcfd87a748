package io.lagscaler.signals;

/**
 * A partition's health over the status window, in Burrow's spirit: lag alone misleads, the trend
 * tells. Declared from best to worst; a group reports its worst partition.
 */
public enum PartitionStatus {
  /** No lag, or lag that was at zero somewhere in the window, or steady lag with commits moving. */
  OK,
  /** Lag present and shrinking, consumption outpacing production. */
  CATCHING_UP,
  /** Too little history to judge yet. */
  UNKNOWN,
  /** Commits advance but lag only grows across the window. */
  FALLING_BEHIND,
  /**
   * Lag, members present, and the committed offset has not moved for {@code stallAfter}: a stuck
   * consumer (poison message, deadlock). More replicas will not help.
   */
  STALLED,
  /** Lag and no members: nothing consumes. */
  STOPPED,
  /** The committed offset went backwards within the window (a reset or replay). */
  REWOUND;

  /** The worse of the two. */
  public PartitionStatus worst(PartitionStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
