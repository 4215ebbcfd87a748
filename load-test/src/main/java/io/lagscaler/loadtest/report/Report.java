package io.lagscaler.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lagscaler.loadtest.report.RunResult.Event;
import io.lagscaler.loadtest.report.RunResult.LoadTotals;
import io.lagscaler.loadtest.report.RunResult.Sample;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A run's figures, and the report, timeline and chart files written from them: the same files for
 * the local demo and for {@code run} against a cluster. What a run did not measure is {@code null}
 * in report.json, {@code unknown} in report.md and an empty cell in timeline.csv.
 */
public final class Report {

  private Report() {}

  /** The summary figures of one run, in report.json's field order. */
  public static Map<String, Object> figures(RunResult r) {
    List<Sample> s = r.samples();
    double target = r.targetLag().toSeconds();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("policy", r.policy());
    f.put("profile", r.profile());
    f.put("durationSeconds", s.size());
    f.put("maxReplicas", max(s, x -> x.desired()));
    f.put("finalReplicas", known(s, x -> x.desired()).reduce((a, b) -> b).orElse(null));
    OptionalLong maxLag =
        s.stream()
            .map(Sample::lag)
            .filter(OptionalLong::isPresent)
            .mapToLong(OptionalLong::getAsLong)
            .max();
    f.put("maxLag", maxLag.isPresent() ? maxLag.getAsLong() : null);
    f.put("maxLagSeconds", maxDouble(s, x -> x.timeLagSeconds()));
    f.put("targetLagSeconds", (long) target);
    // A second counts when the oldest unconsumed order was older than the time-lag target.
    f.put(
        "sloViolationSeconds",
        s.stream().noneMatch(x -> x.timeLagSeconds().isPresent())
            ? null
            : s.stream()
                .filter(x -> x.timeLagSeconds().isPresent())
                .filter(x -> x.timeLagSeconds().getAsDouble() > target)
                .count());
    f.put("scalingEvents", r.events().size());
    f.put("scaleUps", r.events().stream().filter(e -> e.to() > e.from()).count());
    f.put("scaleDowns", r.events().stream().filter(e -> e.to() < e.from()).count());
    f.put(
        "replicaSeconds",
        s.stream().noneMatch(x -> x.desired().isPresent())
            ? null
            : known(s, x -> x.desired()).mapToLong(Integer::longValue).sum());
    LoadTotals load = r.load();
    f.put("messagesProduced", load.acknowledged());
    f.put("messagesConsumed", r.consumed().isPresent() ? r.consumed().getAsLong() : null);
    f.put("sink", load.sink());
    f.put("ordersDue", Math.round(Math.floor(load.due())));
    f.put("ordersSent", load.sent());
    f.put("ordersFailed", load.failedTotal());
    f.put("failures", load.failed());
    f.put("ordersInFlightAtEnd", load.inFlightAtEnd());
    f.put("ordersUnsent", load.unsent());
    f.put("secondsBehind", load.secondsBehind());
    f.putAll(r.settings());
    return f;
  }

  /** One line of the run's main figures, for the end of the live view. */
  public static String summary(RunResult r) {
    Map<String, Object> f = figures(r);
    return String.format(
        Locale.ROOT,
        "%s: max %s replicas, final %s, max lag %s (%s s), %s s over the %s s target, %s scale"
            + " events, %s replica-seconds, %s produced, %s consumed",
        r.policy(),
        f.get("maxReplicas"),
        f.get("finalReplicas"),
        f.get("maxLag"),
        format(f.get("maxLagSeconds")),
        f.get("sloViolationSeconds"),
        f.get("targetLagSeconds"),
        f.get("scalingEvents"),
        f.get("replicaSeconds"),
        f.get("messagesProduced"),
        f.get("messagesConsumed"));
  }

  private static Stream<Integer> known(List<Sample> s, Function<Sample, OptionalInt> value) {
    return s.stream().map(value).filter(OptionalInt::isPresent).map(OptionalInt::getAsInt);
  }

  private static Integer max(List<Sample> s, Function<Sample, OptionalInt> value) {
    return known(s, value).max(Integer::compare).orElse(null);
  }

  private static Double maxDouble(List<Sample> s, Function<Sample, OptionalDouble> value) {
    OptionalDouble max =
        s.stream()
            .map(value)
            .filter(OptionalDouble::isPresent)
            .mapToDouble(OptionalDouble::getAsDouble)
            .max();
    return max.isPresent() ? max.getAsDouble() : null;
  }

  /** Writes report.md, report.json, timeline.csv and timeline.png of one run into {@code dir}. */
  public static void write(Path dir, RunResult r) throws IOException {
    writeAll(dir, List.of(r));
  }

  /** As {@link #write} for runs side by side: one report, one timeline, one chart. */
  public static void writeAll(Path dir, List<RunResult> runs) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Object body;
    if (runs.size() == 1) {
      Map<String, Object> f = figures(runs.getFirst());
      f.put("decisions", runs.getFirst().events());
      body = f;
    } else {
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("runs", runs.stream().map(Report::figures).toList());
      body = all;
    }
    json.writeValue(dir.resolve("report.json").toFile(), body);
    Files.writeString(dir.resolve("report.md"), markdown(runs));
    Files.writeString(dir.resolve("timeline.csv"), csv(runs));
    chart(dir.resolve("timeline.png"), runs);
  }

  static String markdown(List<RunResult> runs) {
    RunResult first = runs.getFirst();
    StringBuilder md =
        new StringBuilder("# ")
            .append(first.title())
            .append("\n\n")
            .append(first.description())
            .append("\n\n");
    List<Map<String, Object>> figures = runs.stream().map(Report::figures).toList();
    md.append("| figure |");
    figures.forEach(f -> md.append(' ').append(f.get("policy")).append(" |"));
    md.append("\n|---|");
    figures.forEach(f -> md.append("---:|"));
    md.append('\n');
    for (String key : figures.getFirst().keySet()) {
      if (key.equals("policy")) {
        continue;
      }
      md.append("| ").append(key).append(" |");
      figures.forEach(f -> md.append(' ').append(format(f.get(key))).append(" |"));
      md.append('\n');
    }
    for (RunResult r : runs) {
      md.append("\n## Decisions: ").append(r.policy()).append("\n\n");
      if (r.events().isEmpty()) {
        md.append("No change of replicas.\n");
        continue;
      }
      md.append("| second | replicas | reason | explanation |\n|---:|---|---|---|\n");
      for (Event e : r.events()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %d -> %d | %s | %s |%n",
                e.second(),
                e.from(),
                e.to(),
                e.reason(),
                e.explanation().replace("|", "/")));
      }
    }
    return md.toString();
  }

  private static String format(Object v) {
    return switch (v) {
      case null -> "unknown";
      case Double d -> String.format(Locale.ROOT, "%.1f", d);
      case Map<?, ?> m when m.isEmpty() -> "none";
      case Map<?, ?> m ->
          String.join(
              ", ", m.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
      default -> String.valueOf(v);
    };
  }

  static String csv(List<RunResult> runs) {
    StringBuilder csv =
        new StringBuilder(
            "policy,second,targetRate,arrivalRate,consumptionRate,lag,timeLagSeconds,"
                + "desiredReplicas,readyReplicas,reason\n");
    for (RunResult r : runs) {
      for (Sample s : r.samples()) {
        csv.append(
            String.join(
                    ",",
                    r.policy(),
                    Integer.toString(s.second()),
                    String.format(Locale.ROOT, "%.1f", s.targetRate()),
                    String.format(Locale.ROOT, "%.1f", s.arrivalRate()),
                    cell(s.consumptionRate(), "%.1f"),
                    cell(number(s.lag()), "%.0f"),
                    cell(s.timeLagSeconds(), "%.1f"),
                    cell(number(s.desired()), "%.0f"),
                    cell(number(s.ready()), "%.0f"),
                    s.reason().replace(',', ';'))
                .concat("\n"));
      }
    }
    return csv.toString();
  }

  private static String cell(OptionalDouble v, String format) {
    return v.isPresent() ? String.format(Locale.ROOT, format, v.getAsDouble()) : "";
  }

  private static OptionalDouble number(OptionalLong v) {
    return v.isPresent() ? OptionalDouble.of(v.getAsLong()) : OptionalDouble.empty();
  }

  private static OptionalDouble number(OptionalInt v) {
    return v.isPresent() ? OptionalDouble.of(v.getAsInt()) : OptionalDouble.empty();
  }

  private static final Color[] POLICY_COLORS = {new Color(0x1f77b4), new Color(0xd62728)};

  /**
   * Three stacked panels: rates, lag and time lag, replicas with the scale events marked. A series
   * a run did not measure is left out rather than drawn as zero.
   */
  static void chart(Path png, List<RunResult> runs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    // ImageIO's file cache registers a shutdown hook, which fails while the JVM is shutting
    // down: the report written on Ctrl-C would lose its chart.
    javax.imageio.ImageIO.setUseCache(false);
    int lastSecond =
        runs.stream().flatMap(r -> r.samples().stream()).mapToInt(Sample::second).max().orElse(1);
    XYChart rates = panel("Orders per second", "orders/s", lastSecond);
    XYChart lag = panel("Lag", "messages", lastSecond);
    lag.setYAxisGroupTitle(1, "time lag (s)");
    lag.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    XYChart replicas =
        panel("Replicas (markers: scale events, with their reason)", "replicas", lastSecond);
    replicas.getStyler().setYAxisMin(0.0);
    // Room above the highest step for the events' labels.
    replicas
        .getStyler()
        .setYAxisMax(
            runs.stream()
                    .flatMap(r -> r.samples().stream())
                    .map(Sample::desired)
                    .filter(OptionalInt::isPresent)
                    .mapToInt(OptionalInt::getAsInt)
                    .max()
                    .orElse(1)
                + 1.5);
    replicas.getStyler().setAnnotationTextFontColor(Color.DARK_GRAY);
    replicas
        .getStyler()
        .setAnnotationTextFont(
            new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
    for (int i = 0; i < runs.size(); i++) {
      RunResult r = runs.get(i);
      Color color = POLICY_COLORS[i % POLICY_COLORS.length];
      String p = runs.size() == 1 ? "" : r.policy() + " ";
      if (i == 0) {
        // The target is the profile's: the same in every run, drawn once.
        line(rates, "target", r, s -> OptionalDouble.of(s.targetRate()), Color.DARK_GRAY, true);
      }
      line(rates, p + "acknowledged", r, s -> OptionalDouble.of(s.arrivalRate()), color, true);
      line(rates, p + "consumed", r, Sample::consumptionRate, color, false);
      line(lag, p + "lag", r, s -> number(s.lag()), color, false);
      line(lag, p + "time lag (s)", r, Sample::timeLagSeconds, color, true)
          .ifPresent(series -> series.setYAxisGroup(1));
      line(replicas, p + "desired", r, s -> number(s.desired()), color, false);
      line(replicas, p + "ready", r, s -> number(s.ready()), color, true);
      if (!r.events().isEmpty()) {
        double[] ex = r.events().stream().mapToDouble(Event::second).toArray();
        double[] ey = r.events().stream().mapToDouble(Event::to).toArray();
        XYSeries events = replicas.addSeries(p + "scale events", ex, ey);
        events.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        events.setMarker(SeriesMarkers.DIAMOND);
        events.setMarkerColor(color);
        for (int k = 0; k < r.events().size(); k++) {
          Event e = r.events().get(k);
          // Above its marker, every other one higher, so neighbouring events stay readable.
          replicas.addAnnotation(
              new AnnotationText(
                  p + e.from() + " -> " + e.to() + " " + e.reason(),
                  e.second(),
                  e.to() + 0.35 + 0.45 * (k % 2) + 0.9 * i,
                  false));
        }
      }
    }
    List<XYChart> charts = new ArrayList<>(List.of(rates, lag, replicas));
    for (XYChart chart : charts) {
      if (chart.getSeriesMap().isEmpty()) {
        // XChart cannot draw a panel without a series; say why it is empty.
        chart
            .addSeries("not measured", new double[] {0}, new double[] {0})
            .setMarker(SeriesMarkers.NONE);
      }
    }
    BitmapEncoder.saveBitmap(charts, 3, 1, stripPng(png), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String stripPng(Path png) {
    // XChart appends the extension itself.
    String s = png.toString();
    return s.endsWith(".png") ? s.substring(0, s.length() - 4) : s;
  }

  private static XYChart panel(String title, String yTitle, int lastSecond) {
    XYChart chart =
        new XYChartBuilder()
            .width(1100)
            .height(330)
            .title(title)
            .xAxisTitle("second")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    roundSecondTicks(chart, lastSecond);
    return chart;
  }

  /** Seconds between the time axis' labels: 10 labels or fewer, at 0, 30, 60, ... for 300 s. */
  static int labelStep(int lastSecond) {
    for (int step : new int[] {5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800}) {
      if (lastSecond / step <= 10) {
        return step;
      }
    }
    return 3600;
  }

  /** Grid lines between the labels, at a step XChart picks (1, 2, 2.5 or 5 times a power of 10). */
  private static int gridStep(int labelStep) {
    return switch (labelStep) {
      case 5 -> 1;
      case 10, 15 -> 5;
      case 30 -> 10;
      case 60, 120 -> 20;
      case 300 -> 50;
      case 600 -> 100;
      default -> 200;
    };
  }

  /**
   * The time axis from 0 with labels at round seconds. XChart places grid lines at its own "nice"
   * steps, never 30 s: the spacing hint (pixels per grid line, over about 1,000 pixels of plot)
   * asks for a step that divides the label step, and the formatter labels only the multiples of it.
   */
  private static void roundSecondTicks(XYChart chart, int lastSecond) {
    int step = labelStep(lastSecond);
    int end = Math.max(step, (int) Math.ceil(lastSecond / (double) step) * step);
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax((double) end);
    chart.getStyler().setXAxisTickMarkSpacingHint((int) Math.round(gridStep(step) * 1000.0 / end));
    chart.setCustomXAxisTickLabelsFormatter(
        v -> {
          long second = Math.round(v);
          // A blank, not an empty label: XChart's text layout throws on "".
          return Math.abs(v - second) < 1e-6 && second % step == 0 ? Long.toString(second) : " ";
        });
  }

  private static Optional<XYSeries> line(
      XYChart chart,
      String name,
      RunResult r,
      Function<Sample, OptionalDouble> y,
      Color color,
      boolean dashed) {
    List<Sample> known = r.samples().stream().filter(s -> y.apply(s).isPresent()).toList();
    if (known.isEmpty()) {
      return Optional.empty();
    }
    double[] xs = known.stream().mapToDouble(Sample::second).toArray();
    double[] ys = known.stream().mapToDouble(s -> y.apply(s).getAsDouble()).toArray();
    XYSeries series = chart.addSeries(name, xs, ys);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(color);
    if (dashed) {
      series.setLineStyle(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
    return Optional.of(series);
  }
}
