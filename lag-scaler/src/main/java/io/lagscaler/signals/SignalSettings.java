package io.lagscaler.signals;

import java.time.Duration;

/**
 * How signals are computed.
 *
 * @param historySize samples kept per partition (a ring; memory is bounded by it: about 24 bytes
 *     per sample for a group's partition and 16 per topic partition's log end)
 * @param rateWindow rates are the average over this window (a moving average, see {@link
 *     SampleRing#rate})
 * @param statusWindow partition status looks at the samples of this window
 * @param stallAfter a committed offset unchanged for this long, with lag and members, is STALLED
 */
public record SignalSettings(
    int historySize, Duration rateWindow, Duration statusWindow, Duration stallAfter) {

  public static final SignalSettings DEFAULTS =
      new SignalSettings(
          64, Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(120));

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
    if (stallAfter.isNegative() || stallAfter.isZero()) {
      throw new IllegalArgumentException("stallAfter must be > 0, was " + stallAfter);
    }
  }
}
