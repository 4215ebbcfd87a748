package io.lagscaler.loadtest.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lagscaler.loadtest.local.DemoRun.Event;
import io.lagscaler.loadtest.local.DemoRun.Result;
import io.lagscaler.loadtest.local.DemoRun.Sample;
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
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A run's figures, and the report, timeline and chart files written from them. */
public final class DemoReport {

  private DemoReport() {}

  /** The summary figures of one run, in report.json's field order. */
  public static Map<String, Object> figures(Result r) {
    List<Sample> s = r.samples();
    double target = r.settings().targetLag().toSeconds();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("policy", r.policy());
    f.put("profile", r.profile());
    f.put("durationSeconds", s.size());
    f.put("maxReplicas", s.stream().mapToInt(Sample::desired).max().orElse(0));
    f.put("finalReplicas", s.isEmpty() ? 0 : s.getLast().desired());
    f.put("maxLag", s.stream().mapToLong(Sample::lag).max().orElse(0));
    f.put("maxLagSeconds", s.stream().mapToDouble(Sample::timeLagSeconds).max().orElse(0));
    f.put("targetLagSeconds", (long) target);
    // A second counts when the oldest unconsumed order was older than the time-lag target.
    f.put("sloViolationSeconds", s.stream().filter(x -> x.timeLagSeconds() > target).count());
    f.put("scalingEvents", r.events().size());
    f.put("scaleUps", r.events().stream().filter(e -> e.to() > e.from()).count());
    f.put("scaleDowns", r.events().stream().filter(e -> e.to() < e.from()).count());
    f.put("replicaSeconds", s.stream().mapToLong(Sample::desired).sum());
    f.put("messagesProduced", r.produced());
    f.put("messagesConsumed", r.consumed());
    f.put("processingCostMicros", r.settings().processingCostMicros());
    f.put("partitions", r.settings().partitions());
    return f;
  }

  /** Writes report.md, report.json, timeline.csv and timeline.png of one run into {@code dir}. */
  public static void write(Path dir, Result r) throws IOException {
    writeAll(dir, List.of(r));
  }

  /** As {@link #write} for runs side by side: one report, one timeline, one chart. */
  public static void writeAll(Path dir, List<Result> runs) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Object body;
    if (runs.size() == 1) {
      Map<String, Object> f = figures(runs.getFirst());
      f.put("decisions", runs.getFirst().events());
      body = f;
    } else {
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("runs", runs.stream().map(DemoReport::figures).toList());
      body = all;
    }
    json.writeValue(dir.resolve("report.json").toFile(), body);
    Files.writeString(dir.resolve("report.md"), markdown(runs));
    Files.writeString(dir.resolve("timeline.csv"), csv(runs));
    chart(dir.resolve("timeline.png"), runs);
  }

  static String markdown(List<Result> runs) {
    StringBuilder md = new StringBuilder("# lag-scaler local demo\n\n");
    Result first = runs.getFirst();
    md.append(
        String.format(
            Locale.ROOT,
            "Profile `%s`, %d s, store-totals with a processing cost of %d us per order (one"
                + " replica serves at most %.0f orders/s), %d partitions, time-lag target %d s.%n%n",
            first.profile(),
            first.samples().size(),
            first.settings().processingCostMicros(),
            1e6 / first.settings().processingCostMicros(),
            first.settings().partitions(),
            first.settings().targetLag().toSeconds()));
    List<Map<String, Object>> figures = runs.stream().map(DemoReport::figures).toList();
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
    for (Result r : runs) {
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
    return v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(v);
  }

  static String csv(List<Result> runs) {
    StringBuilder csv =
        new StringBuilder(
            "policy,second,arrivalRate,consumptionRate,lag,timeLagSeconds,desiredReplicas,"
                + "readyReplicas,reason\n");
    for (Result r : runs) {
      for (Sample s : r.samples()) {
        csv.append(
            String.format(
                Locale.ROOT,
                "%s,%d,%.1f,%.1f,%d,%.1f,%d,%d,%s%n",
                r.policy(),
                s.second(),
                s.arrivalRate(),
                s.consumptionRate(),
                s.lag(),
                s.timeLagSeconds(),
                s.desired(),
                s.ready(),
                s.reason().replace(',', ';')));
      }
    }
    return csv.toString();
  }

  private static final Color[] POLICY_COLORS = {new Color(0x1f77b4), new Color(0xd62728)};

  /** Three stacked panels: rates, lag and time lag, replicas with the scale events marked. */
  static void chart(Path png, List<Result> runs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart rates = panel("Orders per second", "orders/s");
    XYChart lag = panel("Lag", "messages");
    lag.setYAxisGroupTitle(1, "time lag (s)");
    lag.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    XYChart replicas = panel("Replicas (markers: scale events)", "replicas");
    replicas.getStyler().setYAxisMin(0.0);
    for (int i = 0; i < runs.size(); i++) {
      Result r = runs.get(i);
      Color color = POLICY_COLORS[i % POLICY_COLORS.length];
      String p = runs.size() == 1 ? "" : r.policy() + " ";
      double[] x = r.samples().stream().mapToDouble(Sample::second).toArray();
      if (i == 0) {
        // The arrival rate is the profile's: the same in every run, drawn once.
        line(rates, "arrival", x, r, Sample::arrivalRate, Color.GRAY, false);
      }
      line(rates, p + "consumed", x, r, Sample::consumptionRate, color, false);
      line(lag, p + "lag", x, r, s -> s.lag(), color, false);
      line(lag, p + "time lag (s)", x, r, Sample::timeLagSeconds, color, true).setYAxisGroup(1);
      line(replicas, p + "desired", x, r, s -> s.desired(), color, false);
      line(replicas, p + "ready", x, r, s -> s.ready(), color, true);
      if (!r.events().isEmpty()) {
        double[] ex = r.events().stream().mapToDouble(Event::second).toArray();
        double[] ey = r.events().stream().mapToDouble(Event::to).toArray();
        XYSeries events = replicas.addSeries(p + "scale events", ex, ey);
        events.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        events.setMarker(SeriesMarkers.DIAMOND);
        events.setMarkerColor(color);
      }
    }
    List<XYChart> charts = new ArrayList<>(List.of(rates, lag, replicas));
    BitmapEncoder.saveBitmap(charts, 3, 1, stripPng(png), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String stripPng(Path png) {
    // XChart appends the extension itself.
    String s = png.toString();
    return s.endsWith(".png") ? s.substring(0, s.length() - 4) : s;
  }

  private static XYChart panel(String title, String yTitle) {
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
    return chart;
  }

  private static XYSeries line(
      XYChart chart,
      String name,
      double[] x,
      Result r,
      ToDoubleFunction<Sample> y,
      Color color,
      boolean dashed) {
    double[] ys = r.samples().stream().mapToDouble(y).toArray();
    if (x.length == 0) {
      x = new double[] {0};
      ys = new double[] {0};
    }
    XYSeries series = chart.addSeries(name, x, ys);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(color);
    if (dashed) {
      series.setLineStyle(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
    return series;
  }
}
