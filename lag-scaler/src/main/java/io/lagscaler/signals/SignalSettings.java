package io.lagscaler.signals;

import java.time.Duration;

/**
 * How signals are computed.
 *
 * @param historySize samples kept per partition (a ring; memory is bounded by it: 12 bytes per
 *     sample for a group's partition and for a topic partition's log end)
 * @param rateWindow rates are the average over this window (a moving average, see {@link
 *     SampleRing#rate})
 * @param statusWindow partition status looks at the samples of this window
 * @param stallAfter a committed offset unchanged for this long, with lag and members, is STALLED
 * @param timeLag how the time lag of a partition is found
 */
public record SignalSettings(
    int historySize,
    Duration rateWindow,
    Duration statusWindow,
    Duration stallAfter,
    TimeLagSource timeLag) {

  public static final SignalSettings DEFAULTS =
      new SignalSettings(
          64,
          Duration.ofSeconds(60),
          Duration.ofSeconds(120),
          Duration.ofSeconds(120),
          TimeLagSource.INTERPOLATED);

  /** How a partition's time lag is found. */
  public enum TimeLagSource {
    /** From the log end's history (kafka-lag-exporter's method): no extra read. */
    INTERPOLATED,
    /**
     * For the partitions that decide (each group's worst few), from the timestamp of the record at
     * the committed offset, read with one bounded fetch per broker per poll; the others, and any
     * whose record is gone or unreadable, interpolated.
     */
    RECORD_TIMESTAMP
  }

  /** The same settings with another time lag source. */
  public SignalSettings withTimeLag(TimeLagSource source) {
    return new SignalSettings(historySize, rateWindow, statusWindow, stallAfter, source);
  }

  public SignalSettings {
    if (historySize < 2) {
      throw new IllegalArgumentException("historySize must be >= 2, was " + historySize);
    }
    if (rateWindow.isNegative() || rateWindow.isZero()) {
      throw new IllegalArgumentException("rateWindow must be > 0, was " + rateWindow);
    }
    if (statusWindow.isNegative() || statusWindow.isZero()) {
      throw new IllegalArgumentException("statusWindow must be > 0, was " + statusWindow);
    }
    java.util.Objects.requireNonNull(timeLag, "timeLag");
    if (stallAfter.isNegative() || stallAfter.isZero()) {
      throw new IllegalArgumentException("stallAfter must be > 0, was " + stallAfter);
    }
  }
}
