package io.lagscaler.loadtest.sim;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Counts {@code oversizedSeconds} (issue 12): seconds after the first {@value #WARM_UP_SECONDS},
 * counted only in stretches longer than {@value #MIN_STRETCH_SECONDS} s, in which the replica count
 * exceeds max(2 x need, need + 2) while the time lag is under half the target. The need is the
 * count the true per-replica rate needs for the highest {@value #PEAK_WINDOW_SECONDS} s mean
 * arrival of the last {@value #LOOKBACK_SECONDS} s: at least 1 while anything arrives, within min
 * and max replicas and the partition count. Fed one second at a time, in order.
 */
final class Oversized {

  static final int WARM_UP_SECONDS = 300;
  static final int MIN_STRETCH_SECONDS = 120;
  static final int PEAK_WINDOW_SECONDS = 10;
  static final int LOOKBACK_SECONDS = 300;

  private final int minReplicas;
  private final int maxUseful;
  private final double targetLagSeconds;

  private final double[] window = new double[PEAK_WINDOW_SECONDS]; // arrivals, a ring
  private final Deque<double[]> peaks = new ArrayDeque<>(); // {t, mean}, means decreasing
  private int stretch;
  private long seconds;

  Oversized(int minReplicas, int maxReplicas, int partitions, double targetLagSeconds) {
    this.minReplicas = minReplicas;
    this.maxUseful = Math.min(maxReplicas, partitions);
    this.targetLagSeconds = targetLagSeconds;
  }

  /**
   * One second.
   *
   * @param arrivals messages that arrived in second {@code t}
   * @param replicaRate the true per-replica service rate (0 while consumers are stalled)
   * @param replicas the count run in second {@code t}
   * @param timeLagSeconds the group's time lag at the end of second {@code t}
   */
  void second(int t, double arrivals, double replicaRate, int replicas, double timeLagSeconds) {
    int need = need(t, arrivals, replicaRate);
    boolean over =
        t >= WARM_UP_SECONDS
            && replicas > Math.max(2 * need, need + 2)
            && timeLagSeconds < targetLagSeconds / 2;
    if (over) {
      stretch++;
    } else {
      close();
    }
  }

  /** The oversized seconds so far, a stretch still open included when long enough. */
  long seconds() {
    return seconds + (stretch > MIN_STRETCH_SECONDS ? stretch : 0);
  }

  private void close() {
    if (stretch > MIN_STRETCH_SECONDS) {
      seconds += stretch;
    }
    stretch = 0;
  }

  /** The need at second {@code t}, after recording its arrivals. */
  int need(int t, double arrivals, double replicaRate) {
    int slot = t % PEAK_WINDOW_SECONDS;
    window[slot] = arrivals;
    double sum = 0; // summed afresh: a running sum would keep a rounding residue above 0
    for (double a : window) {
      sum += a;
    }
    double mean = sum / PEAK_WINDOW_SECONDS;
    while (!peaks.isEmpty() && peaks.peekLast()[1] <= mean) {
      peaks.pollLast();
    }
    peaks.addLast(new double[] {t, mean});
    while (peaks.peekFirst()[0] <= t - LOOKBACK_SECONDS) {
      peaks.pollFirst();
    }
    double peak = peaks.peekFirst()[1];
    // Anything in the peak windows needs a replica; a stalled consumer (rate 0) needs every one
    // that could help.
    double raw =
        peak <= 0
            ? 0
            : replicaRate > 0 ? Math.max(1, Math.ceil(peak / replicaRate - 1e-9)) : maxUseful;
    return (int) Math.max(minReplicas, Math.min(maxUseful, raw));
  }
}
