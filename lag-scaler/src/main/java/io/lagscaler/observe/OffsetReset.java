package io.lagscaler.observe;

/**
 * The group's {@code auto.offset.reset}: where its consumers start on a partition without a
 * committed offset, and so how much of that partition they are behind.
 */
public enum OffsetReset {
  /** Consumers start at the log end: nothing is behind (lag 0, flagged NO_COMMIT_LATEST). */
  LATEST,
  /**
   * Consumers start at the log start: everything retention kept is behind (log end - log start;
   * never messages retention already deleted).
   */
  EARLIEST,
  /** Consumers fail without a committed offset: the lag is unknown. */
  NONE
}
