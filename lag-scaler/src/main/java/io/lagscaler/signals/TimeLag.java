package io.lagscaler.signals;

/** How long ago the oldest unconsumed message was produced; unknown is never zero. */
public sealed interface TimeLag {

  /** Seconds behind, and how the figure was found. */
  record Known(double seconds, TimeLagBasis basis) implements TimeLag {}

  /** Too little history (fewer than 2 samples of the log end) or the log end is unknown. */
  record Unknown(String reason) implements TimeLag {}

  /** How a known time lag was found. */
  enum TimeLagBasis {
    /** The committed offset equals the log end. */
    CAUGHT_UP,
    /** Interpolated between two samples of the log end that bracket the committed offset. */
    INTERPOLATED,
    /** Older than the history: extrapolated back along the history's average production rate. */
    EXTRAPOLATED,
    /** Older than the history, which shows no production to extrapolate along: at least this. */
    LOWER_BOUND,
    /**
     * From the timestamp of the record at the committed offset ({@code timeLag: record-timestamp}).
     */
    RECORD_TIMESTAMP
  }

  TimeLag ZERO = new Known(0, TimeLagBasis.CAUGHT_UP);

  /** The larger of two time lags; unknown wins over known, since the max cannot be told. */
  static TimeLag max(TimeLag a, TimeLag b) {
    if (a instanceof Unknown) {
      return a;
    }
    if (b instanceof Unknown) {
      return b;
    }
    return ((Known) a).seconds() >= ((Known) b).seconds() ? a : b;
  }
}
