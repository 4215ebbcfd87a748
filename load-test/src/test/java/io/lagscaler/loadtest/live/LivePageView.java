package io.lagscaler.loadtest.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a browser shows of the live page: per chart the points uPlot drew (its draw hook counts
 * them) and the canvas pixels in a run's colour, the decision log's rows and the header.
 */
public record LivePageView(
    JsonNode charts, List<List<String>> rows, String header, String connection) {

  private static final String READ =
      """
      const charts = {};
      for (const id of ["rates", "lag", "replicas"]) {
        const el = document.getElementById(id);
        const canvas = el.querySelector("canvas");
        let blue = 0, red = 0;
        if (canvas) {
          const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] === 0) continue;
            if (d[i + 2] - d[i] > 60) blue++;
            if (d[i] - d[i + 2] > 60) red++;
          }
        }
        charts[id] = { points: Number(el.dataset.points || 0), blue, red };
      }
      const rows = [...document.querySelectorAll("#decisions tbody tr")]
        .map((tr) => [...tr.cells].map((td) => td.textContent));
      return { charts, rows,
               header: document.querySelector("header").textContent,
               connection: document.getElementById("connection").textContent };
      """;

  public static LivePageView read(HeadlessChromium browser) throws Exception {
    JsonNode v = browser.script(READ);
    List<List<String>> rows = new ArrayList<>();
    v.path("rows")
        .forEach(
            r -> {
              List<String> cells = new ArrayList<>();
              r.forEach(c -> cells.add(c.asText()));
              rows.add(cells);
            });
    return new LivePageView(
        v.path("charts"), rows, v.path("header").asText(), v.path("connection").asText());
  }

  /** Reads the page until {@code done} holds or {@code timeout} passes; the last view. */
  public static LivePageView await(
      HeadlessChromium browser, Predicate<LivePageView> done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    LivePageView view = read(browser);
    while (!done.test(view) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      view = read(browser);
    }
    return view;
  }

  public int points(String chart) {
    return charts.path(chart).path("points").asInt();
  }

  public int bluePixels(String chart) {
    return charts.path(chart).path("blue").asInt();
  }

  public int redPixels(String chart) {
    return charts.path(chart).path("red").asInt();
  }
}
