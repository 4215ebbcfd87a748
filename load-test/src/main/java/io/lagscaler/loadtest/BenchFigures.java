package io.lagscaler.loadtest;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** The figures the benchmark commands report: percentiles, rounding, retained heap. */
final class BenchFigures {

  private BenchFigures() {}

  /** Heap in use after full collections: what the objects alive now retain. */
  static long retainedHeapBytes() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The nearest-rank percentile. */
  static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** One decimal. */
  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
