package io.lagscaler.decide;

/** Replica counts for a need, given how partitions spread over consumers. */
final class Counts {

  private Counts() {}

  /**
   * Replicas for a need of {@code fraction} full replicas. With even distribution the busiest
   * consumer sets the pace (12 partitions on 5 consumers serve like 4), so the count is the
   * smallest one whose busiest consumer keeps up; other counts stay reachable through the bounds.
   */
  static int countFor(double fraction, int partitions, boolean even) {
    if (fraction <= 0) {
      return 0;
    }
    int plain =
        (int) Math.min(Integer.MAX_VALUE, Math.ceil(fraction - EngineConstants.COUNT_EPSILON));
    if (!even || partitions <= 0 || plain >= partitions) {
      return plain;
    }
    for (int d = plain; d <= partitions; d++) {
      if (effective(d, partitions, even) >= fraction - EngineConstants.COUNT_EPSILON) {
        return d;
      }
    }
    return partitions;
  }

  /** Full-share replicas that {@code d} consumers are worth, given how partitions spread. */
  static double effective(int d, int partitions, boolean even) {
    if (!even || d <= 0 || partitions <= 0) {
      return d;
    }
    int busiest = ceilDiv(partitions, Math.min(d, partitions));
    return (double) partitions / busiest;
  }

  static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
