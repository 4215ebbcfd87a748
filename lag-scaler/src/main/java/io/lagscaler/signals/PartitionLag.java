package io.lagscaler.signals;

/** How many messages a group is behind on one partition; unknown is never zero. */
public sealed interface PartitionLag {

  /** Lag in messages, and what it was measured from. */
  record Known(long messages, LagBasis basis) implements PartitionLag {}

  /** The lag cannot be told (log end unknown, or no commit with reset policy NONE). */
  record Unknown(String reason) implements PartitionLag {}

  /** What a known lag was measured from. */
  enum LagBasis {
    /** Log end - committed offset. */
    COMMITTED,
    /**
     * The committed offset is below the log start: retention deleted messages the group never read.
     * Lag counts from the log start (what is still there to read).
     */
    RETENTION_TRUNCATED,
    /** No commit, reset policy earliest: log end - log start. */
    NO_COMMIT_EARLIEST,
    /** No commit, reset policy latest: consumers start at the end, 0. */
    NO_COMMIT_LATEST
  }

  default long messagesOrZero() {
    return this instanceof Known(long messages, LagBasis ignored) ? messages : 0;
  }
}
