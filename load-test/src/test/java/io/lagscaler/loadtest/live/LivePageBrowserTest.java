package io.lagscaler.loadtest.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.loadtest.report.RunResult.Event;
import io.lagscaler.loadtest.report.RunResult.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The live page of a --compare run in real headless Chromium: both policies on the same axes and in
 * the decision log. (DemoCommandTest loads it during a real demo.)
 */
class LivePageBrowserTest {

  private static final Path OUT = Path.of("target", "live-page-browser-test");

  @Test
  void aCompareRunDrawsBothPoliciesOnTheSameAxesWithTheirDecisions() throws Exception {
    LiveBoard board =
        new LiveBoard("lag-scaler demo: lag-scaler and KEDA", Duration.ofSeconds(15), 120);
    LiveBoard.Run lagScaler = board.begin("lag-scaler");
    play(lagScaler, 100, 65, 6, "MAX_REPLICAS");
    LiveBoard.Run keda = board.begin("keda");
    play(keda, 80, 75, 3, "KEDA_HPA_SCALE_UP");
    keda.traceUrl("http://127.0.0.1:9411/zipkin/traces/abc");

    try (LivePage page = LivePage.start("127.0.0.1", 0, board);
        HeadlessChromium browser = HeadlessChromium.start(OUT, 1500, 1150)) {
      browser.open(page.url());
      LivePageView view =
          LivePageView.await(
              browser,
              v -> v.rows().size() >= 4 && v.points("replicas") > 0,
              Duration.ofSeconds(20));
      browser.screenshot(OUT.resolve("compare.png"));

      for (String chart : List.of("rates", "lag", "replicas")) {
        assertThat(view.points(chart)).as(chart + " points").isGreaterThan(100);
        // lag-scaler is drawn in blue, KEDA in red, on the same canvas.
        assertThat(view.bluePixels(chart)).as(chart + " lag-scaler pixels").isGreaterThan(50);
        assertThat(view.redPixels(chart)).as(chart + " keda pixels").isGreaterThan(50);
      }
      assertThat(view.rows())
          .anySatisfy(
              r -> assertThat(r).containsSubsequence("lag-scaler", "65", "1 -> 6", "MAX_REPLICAS"))
          .anySatisfy(
              r -> assertThat(r).containsSubsequence("keda", "75", "1 -> 3", "KEDA_HPA_SCALE_UP"));
      assertThat(view.header()).contains("lag-scaler", "keda", "running at 80 s of 120 s", "trace");
      assertThat(browser.script("return document.getElementById('trace').href").asText())
          .isEqualTo("http://127.0.0.1:9411/zipkin/traces/abc");
    }
  }

  /** {@code seconds} of a spike: one scale-up at {@code upAt} to {@code to} replicas. */
  private static void play(LiveBoard.Run run, int seconds, int upAt, int to, String reason) {
    List<Event> events = new ArrayList<>();
    for (int t = 1; t <= seconds; t++) {
      boolean burst = t >= 20 && t < 45;
      int desired = t >= upAt ? to : 1;
      if (t == upAt) {
        events.add(new Event(t, 1, to, reason, "1 -> " + to + ": " + reason.toLowerCase()));
      }
      double lag = t < 20 ? 0 : burst ? (t - 20) * 70.0 : Math.max(0, 1750 - (t - 45) * 90.0);
      run.second(
          new Sample(
              t,
              burst ? 120 : 15,
              burst ? 118 : 15,
              OptionalDouble.of(burst ? 50 : 15),
              OptionalLong.of((long) lag),
              OptionalDouble.of(lag / 120),
              OptionalInt.of(desired),
              OptionalInt.of(t >= upAt + 10 ? desired : 1),
              t >= upAt ? reason : "AT_TARGET"),
          events,
          t >= upAt ? "per-replica 50 msg/s; " + reason : "within the target");
    }
  }
}
