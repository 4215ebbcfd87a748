package io.lagscaler.loadtest.load;

import io.lagscaler.loadtest.report.RunResult;
import io.lagscaler.loadtest.report.RunResult.Event;
import io.lagscaler.loadtest.report.RunResult.LoadTotals;
import io.lagscaler.loadtest.report.RunResult.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The second-by-second record of a load run, the same for the demo and {@code run}: the generator's
 * pace, the group's lag when a group is measured, and the replicas and reason of whatever scales
 * it. A change of the desired replicas is an event.
 */
public final class Recorder {

  private final LoadGenerator generator;
  private final Optional<GroupMeter> meter;
  private final Consumer<String> notices;
  private final Pace pace = new Pace();
  private final List<Sample> samples = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private OptionalInt lastDesired;
  private boolean behind;
  private Optional<GroupMeter.Reading> lastReading = Optional.empty();

  /**
   * @param initialDesired the replicas before the first second, when known
   * @param notices where a change of pace is said (falling behind, keeping up again)
   */
  public Recorder(
      LoadGenerator generator,
      Optional<GroupMeter> meter,
      OptionalInt initialDesired,
      Consumer<String> notices) {
    this.generator = generator;
    this.meter = meter;
    this.lastDesired = initialDesired;
    this.notices = notices;
  }

  /** Records {@code second} (counted from 1) with the scaler's view of the workload. */
  public Sample record(
      int second, OptionalInt desired, OptionalInt ready, String reason, String explanation) {
    LoadGenerator.Snapshot load = generator.snapshot();
    Pace.Second p = pace.add(second, load);
    if (p.behind() != behind) {
      behind = p.behind();
      notices.accept(
          behind
              ? String.format(
                  Locale.ROOT,
                  "cannot keep up at %d s: over the last %d s fewer than %.0f%% of the orders"
                      + " due were answered (target %.1f/s, achieved %.1f/s this second); %d"
                      + " waiting to be sent, %d in flight",
                  second,
                  Pace.WINDOW_SECONDS,
                  100 * (1 - Pace.TOLERANCE),
                  p.targetRate(),
                  p.achievedRate(),
                  load.waiting(),
                  load.inFlight())
              : String.format(Locale.ROOT, "keeping up again at %d s", second));
    }
    Optional<GroupMeter.Reading> reading = meter.flatMap(m -> m.read(second));
    reading.ifPresent(r -> lastReading = Optional.of(r));
    if (desired.isPresent()
        && lastDesired.isPresent()
        && desired.getAsInt() != lastDesired.getAsInt()) {
      events.add(
          new Event(second, lastDesired.getAsInt(), desired.getAsInt(), reason, explanation));
    }
    if (desired.isPresent()) {
      lastDesired = desired;
    }
    Sample s =
        new Sample(
            second,
            p.targetRate(),
            p.achievedRate(),
            reading.map(r -> OptionalDouble.of(r.consumptionRate())).orElse(OptionalDouble.empty()),
            reading.map(r -> OptionalLong.of(r.lag())).orElse(OptionalLong.empty()),
            reading.map(r -> OptionalDouble.of(r.timeLagSeconds())).orElse(OptionalDouble.empty()),
            desired,
            ready,
            reason);
    samples.add(s);
    return s;
  }

  /** Whether the last second was judged behind. */
  public boolean behind() {
    return behind;
  }

  public List<Sample> samples() {
    return List.copyOf(samples);
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  /** The group's committed total at the last good reading (empty when no group is measured). */
  public OptionalLong consumed() {
    return lastReading.map(r -> OptionalLong.of(r.committed())).orElse(OptionalLong.empty());
  }

  /** The generator's totals from its final snapshot. */
  public LoadTotals totals(String sink, LoadGenerator.Snapshot end) {
    return new LoadTotals(
        sink,
        end.due(),
        end.sent(),
        end.acknowledged(),
        end.failed(),
        end.inFlight(),
        end.waiting(),
        pace.secondsBehind());
  }

  /** Everything recorded, as the report's input. */
  public RunResult result(
      String policy,
      String profile,
      String title,
      String description,
      java.time.Duration targetLag,
      java.util.Map<String, Object> settings,
      String sink,
      LoadGenerator.Snapshot end) {
    return new RunResult(
        policy,
        profile,
        title,
        description,
        targetLag,
        settings,
        samples,
        events,
        totals(sink, end),
        consumed());
  }
}
