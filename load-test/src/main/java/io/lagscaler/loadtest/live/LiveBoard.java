package io.lagscaler.loadtest.live;

import io.lagscaler.loadtest.report.RunResult.Event;
import io.lagscaler.loadtest.report.RunResult.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the live page shows: every run of a demo or load test so far (two for {@code --compare}),
 * second by second, with its scale events and decision log. Written by the run's loop once a
 * second, read by the page's HTTP thread: every method is synchronized on the board.
 */
public final class LiveBoard {

  private final String title;
  private final Duration targetLag;
  private final int plannedSeconds;
  private final List<Run> runs = new ArrayList<>();

  /**
   * @param plannedSeconds the length of each run, so the page's time axis does not grow
   */
  public LiveBoard(String title, Duration targetLag, int plannedSeconds) {
    this.title = title;
    this.targetLag = targetLag;
    this.plannedSeconds = plannedSeconds;
  }

  /** Starts showing a run of {@code policy}; it is "starting" until its first second. */
  public synchronized Run begin(String policy) {
    Run run = new Run(policy);
    runs.add(run);
    return run;
  }

  /** One run on the board. */
  public final class Run {
    private final String policy;
    private String state = "starting";
    private String note = "";
    private String traceUrl;
    private final List<Sample> samples = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<Map<String, Object>> decisions = new ArrayList<>();

    private Run(String policy) {
      this.policy = policy;
    }

    /** What the run is doing before or between its seconds (starting Kafka...). */
    public void note(String text) {
      synchronized (LiveBoard.this) {
        note = text;
      }
    }

    /** A trace of a sampled order to link to; the page shows the link when there is one. */
    public void traceUrl(String url) {
      synchronized (LiveBoard.this) {
        traceUrl = url;
      }
    }

    /**
     * One second: its sample, the scale events recorded so far and the current decision's
     * explanation. A decision-log row is added when the reason or explanation changes, or the
     * desired replicas do.
     */
    public void second(Sample sample, List<Event> allEvents, String explanation) {
      synchronized (LiveBoard.this) {
        state = "running";
        note = "";
        samples.add(sample);
        List<Event> fresh =
            allEvents.subList(Math.min(events.size(), allEvents.size()), allEvents.size());
        events.addAll(fresh);
        Map<String, Object> last = decisions.isEmpty() ? null : decisions.getLast();
        boolean changed =
            last == null
                || !Objects.equals(last.get("reason"), sample.reason())
                || !Objects.equals(last.get("explanation"), explanation);
        if (!fresh.isEmpty() || (changed && !sample.reason().isEmpty())) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("second", sample.second());
          row.put("reason", sample.reason());
          row.put("explanation", explanation);
          row.put("desired", sample.desired().isPresent() ? sample.desired().getAsInt() : null);
          row.put(
              "change",
              fresh.isEmpty() ? null : fresh.getLast().from() + " -> " + fresh.getLast().to());
          decisions.add(row);
        }
      }
    }

    /** The run has ended (its report is written next). */
    public void finish() {
      synchronized (LiveBoard.this) {
        state = "done";
        note = "";
      }
    }

    private Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", policy);
      m.put("state", state);
      m.put("note", note);
      m.put("traceUrl", traceUrl);
      Map<String, Object> series = new LinkedHashMap<>();
      series.put("second", samples.stream().map(Sample::second).toList());
      series.put("targetRate", samples.stream().map(Sample::targetRate).toList());
      series.put("arrivalRate", samples.stream().map(Sample::arrivalRate).toList());
      series.put("consumptionRate", samples.stream().map(s -> value(s.consumptionRate())).toList());
      series.put("lag", samples.stream().map(s -> value(s.lag())).toList());
      series.put("timeLagSeconds", samples.stream().map(s -> value(s.timeLagSeconds())).toList());
      series.put("desired", samples.stream().map(s -> value(s.desired())).toList());
      series.put("ready", samples.stream().map(s -> value(s.ready())).toList());
      m.put("series", series);
      m.put("events", List.copyOf(events));
      m.put("decisions", decisions.stream().map(LinkedHashMap::new).toList());
      return m;
    }
  }

  /** The board as the page reads it; what was not measured is null. */
  public synchronized Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", title);
    m.put("targetLagSeconds", targetLag.toSeconds());
    m.put("plannedSeconds", plannedSeconds);
    m.put("runs", runs.stream().map(Run::json).toList());
    return m;
  }

  private static Double value(OptionalDouble v) {
    return v.isPresent() ? v.getAsDouble() : null;
  }

  private static Long value(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static Integer value(OptionalInt v) {
    return v.isPresent() ? v.getAsInt() : null;
  }
}
