package io.lagscaler.loadtest.report;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What one load run measured, a second at a time: the demo's local runs and {@code run} against a
 * cluster alike. What a run could not measure (no consumer group named, no scaler to ask, a failed
 * read) is empty, never zero.
 *
 * @param policy what scaled the workload (lag-scaler, keda), or {@code unobserved}
 * @param profile the load profile's name or file
 * @param title the report's heading
 * @param description what ran, in a sentence or two under the heading
 * @param targetLag the time-lag target that {@code sloViolationSeconds} counts against
 * @param settings figures of the set-up, appended to the report's figures in this order
 * @param load the generator's totals
 * @param consumed the consumer group's committed offsets at the end (empty: not measured)
 */
public record RunResult(
    String policy,
    String profile,
    String title,
    String description,
    Duration targetLag,
    Map<String, Object> settings,
    List<Sample> samples,
    List<Event> events,
    LoadTotals load,
    OptionalLong consumed) {

  public RunResult {
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    samples = List.copyOf(samples);
    events = List.copyOf(events);
  }

  /**
   * One second of a run.
   *
   * @param targetRate orders per second the profile asked for since the previous sample
   * @param arrivalRate orders per second acknowledged (by Kafka, or 2xx from order-intake) since
   *     the previous sample; both per second of wall time, so a late sample is no spike
   * @param consumptionRate the group's committed offsets per second, smoothed over about 3 s
   * @param reason the scaler's last decision reason, empty when unknown
   */
  public record Sample(
      int second,
      double targetRate,
      double arrivalRate,
      OptionalDouble consumptionRate,
      OptionalLong lag,
      OptionalDouble timeLagSeconds,
      OptionalInt desired,
      OptionalInt ready,
      String reason) {}

  /** A change of the desired replicas, with the policy's reason. */
  public record Event(int second, int from, int to, String reason, String explanation) {}

  /**
   * The load generator's totals: every order it made is acknowledged, failed (by kind) or still in
   * flight when the run ended; {@code unsent} orders were due but never made (it was behind).
   */
  public record LoadTotals(
      String sink,
      double due,
      long sent,
      long acknowledged,
      Map<String, Long> failed,
      long inFlightAtEnd,
      long unsent,
      int secondsBehind) {

    public LoadTotals {
      failed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    }

    public long failedTotal() {
      return failed.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
