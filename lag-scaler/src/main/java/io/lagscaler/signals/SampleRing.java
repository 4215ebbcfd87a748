package io.lagscaler.signals;

import java.util.OptionalDouble;

/**
 * A fixed-size ring of (time, offset, extra) samples, oldest first. Pure data: no clock, the time
 * of every sample is given. Memory is three {@code long} arrays of the ring's capacity.
 */
final class SampleRing {

  private final long[] times; // epoch millis
  private final long[] offsets;
  private final long[] extras; // the lag at that sample, for commit rings
  private int start;
  private int size;

  SampleRing(int capacity) {
    this.times = new long[capacity];
    this.offsets = new long[capacity];
    this.extras = new long[capacity];
  }

  int size() {
    return size;
  }

  long time(int i) {
    return times[index(i)];
  }

  long offset(int i) {
    return offsets[index(i)];
  }

  long extra(int i) {
    return extras[index(i)];
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
    if (size == times.length) {
      start = (start + 1) % times.length;
      size--;
    }
    int i = index(size);
    times[i] = timeMillis;
    offsets[i] = offset;
    extras[i] = extra;
    size++;
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
        && timeMillis > newestTime()) {
      times[index(size - 1)] = timeMillis;
      extras[index(size - 1)] = extra;
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
    return (start + i) % times.length;
  }
}
