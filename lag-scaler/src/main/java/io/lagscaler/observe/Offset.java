package io.lagscaler.observe;

/**
 * An offset as read from Kafka. Missing data is its own case and never zero: a group that never
 * committed on a partition ({@link NoCommit}) is different from a broker that could not answer
 * ({@link Unknown}).
 */
public sealed interface Offset {

  /** The broker returned this offset. */
  record Known(long value) implements Offset {
    public Known {
      if (value < 0) {
        throw new IllegalArgumentException("offset must be >= 0, was " + value);
      }
    }
  }

  /** The group has no committed offset on this partition (new group, or a partition added). */
  record NoCommit() implements Offset {}

  /** The broker could not tell: deleted topic, no leader, timeout. */
  record Unknown(String reason) implements Offset {}

  static Offset known(long value) {
    return new Known(value);
  }

  static Offset unknown(String reason) {
    return new Unknown(reason);
  }

  /** The value, or {@code fallback} when this offset is not {@link Known}. */
  default long orElse(long fallback) {
    return this instanceof Known(long value) ? value : fallback;
  }
}
