package io.lagscaler.controller;

import java.time.Duration;

/**
 * How long a failing target waits before it is tried again: doubling with each failure in a row
 * from one poll interval, capped at {@link #MAX}, with jitter, so that targets failing together (an
 * API server answering 429 or 500 to every write) do not all come back at the same poll. Pure: the
 * random draw is passed in.
 */
final class Backoff {

  /** The longest wait, however many failures in a row. */
  static final Duration MAX = Duration.ofMinutes(5);

  private Backoff() {}

  /**
   * @param failures failures in a row, at least 1
   * @param draw a uniform random number in [0, 1)
   * @return between half and all of {@code min(pollInterval x 2^(failures-1), MAX)} ("equal
   *     jitter": never less than half the nominal wait, so a struggling API server is not retried
   *     sooner than planned)
   */
  static Duration after(int failures, Duration pollInterval, double draw) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1, was " + failures);
    }
    if (draw < 0 || draw >= 1) {
      throw new IllegalArgumentException("draw must be in [0, 1), was " + draw);
    }
    Duration nominal = pollInterval.multipliedBy(1L << Math.min(failures - 1, 20));
    if (nominal.compareTo(MAX) > 0) {
      nominal = MAX;
    }
    Duration half = nominal.dividedBy(2);
    return half.plusNanos((long) (half.toNanos() * draw));
  }
}
