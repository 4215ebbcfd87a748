package io.lagscaler.signals;

import java.util.OptionalDouble;

/**
 * A fixed-size ring of (time, offset, extra) samples, oldest first. Pure data: no clock, the time
 * of every sample is given.
 *
 * <p>Memory: one {@code int} array of three ints a sample (12 bytes, not 24 as three {@code long}
 * arrays would take): times and offsets are stored relative to a base (the oldest sample's, moved
 * forward when a value would not fit in an int), extras (a lag) saturate at {@link
 * Integer#MAX_VALUE}. A ring spanning more than 24 days or 2^31 offsets drops its oldest samples.
 * There is one such ring per group partition, so this is most of lag-scaler's heap.
 */
final class SampleRing {

  private static final int TIME = 0;
  private static final int OFFSET = 1;
  private static final int EXTRA = 2;

  private final int[] samples; // [time - timeBase, offset - offsetBase, extra] per sample
  private long timeBase; // epoch millis
  private long offsetBase;
  private int start;
  private int size;

  SampleRing(int capacity) {
    this.samples = new int[capacity * 3];
  }

  /** Samples it holds at most (not a field: one ring per group partition, every byte counts). */
  private int capacity() {
    return samples.length / 3;
  }

  int size() {
    return size;
  }

  long time(int i) {
    return timeBase + samples[index(i) * 3 + TIME];
  }

  long offset(int i) {
    return offsetBase + samples[index(i) * 3 + OFFSET];
  }

  long extra(int i) {
    return samples[index(i) * 3 + EXTRA];
  }

  long newestTime() {
    return time(size - 1);
  }

  long newestOffset() {
    return offset(size - 1);
  }

  void clear() {
    start = 0;
    size = 0;
  }

  /** Appends a sample; a sample not later than the newest one replaces nothing and is ignored. */
  void add(long timeMillis, long offset, long extra) {
    if (size > 0 && timeMillis <= newestTime()) {
      return;
    }
    if (size == capacity()) {
      start = (start + 1) % capacity();
      size--;
    }
    fit(timeMillis, offset);
    set(size, timeMillis, offset, extra);
    size++;
  }

  private void set(int i, long timeMillis, long offset, long extra) {
    int at = index(i) * 3;
    samples[at + TIME] = (int) (timeMillis - timeBase);
    samples[at + OFFSET] = (int) (offset - offsetBase);
    samples[at + EXTRA] = (int) Math.min(Math.max(extra, 0), Integer.MAX_VALUE);
  }

  /**
   * Makes a new sample's time and offset storable: rebases on the oldest sample, and drops the
   * oldest samples while the span would still not fit in an int.
   */
  private void fit(long timeMillis, long offset) {
    if (size == 0) {
      timeBase = timeMillis;
      offsetBase = offset;
      return;
    }
    if (fits(timeMillis - timeBase) && fits(offset - offsetBase)) {
      return;
    }
    while (size > 0 && !(fits(timeMillis - time(0)) && fitsAll(offset))) {
      start = (start + 1) % capacity();
      size--;
    }
    long newTimeBase = size == 0 ? timeMillis : time(0);
    long newOffsetBase = size == 0 ? offset : Math.min(offset, minOffset());
    for (int i = 0; i < size; i++) {
      int at = index(i) * 3;
      samples[at + TIME] = (int) (timeBase + samples[at + TIME] - newTimeBase);
      samples[at + OFFSET] = (int) (offsetBase + samples[at + OFFSET] - newOffsetBase);
    }
    timeBase = newTimeBase;
    offsetBase = newOffsetBase;
  }

  private boolean fitsAll(long offset) {
    long min = Math.min(offset, minOffset());
    long max = offset;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, offset(i));
    }
    return fits(max - min);
  }

  private long minOffset() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      min = Math.min(min, offset(i));
    }
    return min;
  }

  private static boolean fits(long value) {
    return value >= 0 && value <= Integer.MAX_VALUE;
  }

  /**
   * Appends a sample, but when the two newest samples and this one share the same offset, moves the
   * newest sample's time forward instead: a flat run keeps its first and last points, so an idle
   * topic does not push the history that dates old offsets out of the ring.
   */
  void addCompressed(long timeMillis, long offset, long extra) {
    // Only within a run whose extra keeps its sign: the sample where lag appears (or clears)
    // stays, so a stall is dated from when lag appeared, not from an earlier idle stretch.
    if (size >= 2
        && offset(size - 1) == offset
        && offset(size - 2) == offset
        && (extra(size - 1) > 0) == (extra > 0)
        && (extra(size - 2) > 0) == (extra > 0)
        && timeMillis > newestTime()
        && fits(timeMillis - timeBase)) {
      set(size - 1, timeMillis, offset, extra);
      return;
    }
    add(timeMillis, offset, extra);
  }

  /**
   * The moving-average rate (offsets per second) over {@code windowMillis} ending at the newest
   * sample: (newest offset - offset at newest-window) / window, the offset at the window's start
   * interpolated linearly between the samples around it. With less history than the window, the
   * oldest sample starts the window. Empty with fewer than 2 samples.
   */
  OptionalDouble rate(long windowMillis) {
    if (size < 2) {
      return OptionalDouble.empty();
    }
    long endTime = newestTime();
    long startTime = Math.max(time(0), endTime - windowMillis);
    if (endTime <= startTime) {
      return OptionalDouble.empty();
    }
    double startOffset = offsetAt(startTime);
    double rate = (newestOffset() - startOffset) * 1000.0 / (endTime - startTime);
    // A rewound committed offset is not negative consumption.
    return OptionalDouble.of(Math.max(0.0, rate));
  }

  /** The offset at {@code timeMillis} by linear interpolation between samples (clamped). */
  double offsetAt(long timeMillis) {
    if (timeMillis <= time(0)) {
      return offset(0);
    }
    for (int i = 1; i < size; i++) {
      if (time(i) >= timeMillis) {
        long t0 = time(i - 1);
        long t1 = time(i);
        double f = (double) (timeMillis - t0) / (t1 - t0);
        return offset(i - 1) + f * (offset(i) - offset(i - 1));
      }
    }
    return newestOffset();
  }

  private int index(int i) {
    return (start + i) % capacity();
  }
}
