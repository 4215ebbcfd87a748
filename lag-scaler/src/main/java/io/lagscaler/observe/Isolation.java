package io.lagscaler.observe;

/** The isolation level of a group's consumers: it decides which log end they can reach. */
public enum Isolation {
  /** Consumers read up to the high watermark. */
  READ_UNCOMMITTED,
  /** Consumers read up to the last stable offset (open transactions are not yet readable). */
  READ_COMMITTED
}
