package io.lagscaler.loadtest.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.loadtest.live.HeadlessChromium;
import io.lagscaler.loadtest.live.LivePageView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A short demo, end to end: real Kafka, Redis, store-totals processes and lag-scaler. */
class DemoCommandTest {

  /** Kept after the test: the report, and the screenshot of the live page next to it. */
  private static final Path OUT = Path.of("target", "demo-command-test");

  @Test
  void lagScalerScalesUpUnderTheSpikeAndBackDownAfterItAndWritesTheReport() throws Exception {
    Path out = OUT;
    deleteRecursively(out);
    Files.createDirectories(out);
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    DemoCommand demo = new DemoCommand(new PrintStream(lines, true, StandardCharsets.UTF_8));
    // 10 orders/s, a burst of 110/s from 10 s to 30 s, then 10/s again.
    Path profile =
        Files.writeString(out.resolve("spike.csv"), "second,rate\n0,10\n10,110\n30,10\n");
    // While it runs: lag-scaler's /metrics, found through the scrape targets file.
    Path targets = out.resolve("prometheus").resolve("targets.json");
    AtomicReference<String> scraped = new AtomicReference<>("");
    Thread scraper =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (scraped.get().isEmpty() && !Thread.currentThread().isInterrupted()) {
                    scraped.set(scrapeLagScaler(targets));
                    try {
                      Thread.sleep(2_000);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    // While it runs: the live page in headless Chromium, once the burst has been scaled for.
    AtomicReference<Object> page = new AtomicReference<>();
    Thread browser =
        Thread.ofVirtual()
            .start(() -> page.set(watchLivePage(lines, out.resolve("live-page.png"))));
    int exit =
        new CommandLine(demo)
            .execute(
                "--profile", profile.toString(),
                "--duration", "90s",
                "--scale-down-window", "15s",
                "--processing-cost-micros", "20000",
                "--target-lag", "10s",
                "--max-replicas", "4",
                "--services-dir", "../services",
                "--out", out.toString());
    scraper.interrupt();
    browser.join(Duration.ofSeconds(90));
    String live = lines.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(live).isZero();
    if (page.get() instanceof Throwable failed) {
      throw new AssertionError("the live page could not be checked: " + failed, failed);
    }
    assertThat(page.get()).as("the live page was read").isInstanceOf(LivePageView.class);
    LivePageView view = (LivePageView) page.get();
    for (String chart : List.of("rates", "lag", "replicas")) {
      assertThat(view.points(chart)).as(chart + " points drawn").isGreaterThan(40);
      assertThat(view.bluePixels(chart)).as(chart + " lag-scaler's line").isGreaterThan(50);
    }
    assertThat(view.rows()).as("decision log").isNotEmpty();
    assertThat(view.rows()).anySatisfy(r -> assertThat(r.getFirst()).isEqualTo("lag-scaler"));
    assertThat(view.rows()).anySatisfy(r -> assertThat(r.get(2)).contains(" -> "));
    assertThat(live).contains("[demo] live page: http://127.0.0.1:");
    assertThat(out.resolve("live-page.png")).isNotEmptyFile();
    assertThat(scraped.get()).as(live).contains("lagscaler_group_lag_messages");
    JsonNode sd = new ObjectMapper().readTree(targets.toFile());
    Set<String> jobs = new TreeSet<>();
    sd.forEach(
        entry -> {
          assertThat(entry.get("labels").get("namespace").asText()).isEqualTo("local");
          jobs.add(entry.get("labels").get("job").asText());
        });
    assertThat(jobs).contains("lag-scaler", "order-intake", "store-totals", "purchase-graph");

    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("policy").asText()).isEqualTo("lag-scaler");
    assertThat(report.get("durationSeconds").asInt()).isEqualTo(90);
    // Zipkin ran: a sampled order's trace through all three services is linked and saved.
    assertThat(live).contains("[demo] traces: http://127.0.0.1:");
    assertThat(report.get("traceUrl").asText()).as(live).startsWith("http://127.0.0.1:");
    assertThat(Path.of(report.get("traceFile").asText())).isRegularFile();
    // One replica serves 50 orders/s: the 110/s burst needs more, the 10/s after it does not.
    assertThat(report.get("maxReplicas").asInt()).as(live).isGreaterThanOrEqualTo(2);
    assertThat(report.get("scaleUps").asInt()).as(live).isPositive();
    assertThat(report.get("scaleDowns").asInt()).as(live).isPositive();
    assertThat(report.get("finalReplicas").asInt())
        .as(live)
        .isLessThan(report.get("maxReplicas").asInt());
    assertThat(report.get("messagesProduced").asLong()).isGreaterThan(1_500);
    assertThat(report.get("messagesConsumed").asLong()).isPositive();
    for (String field :
        List.of(
            "maxLag", "maxLagSeconds", "sloViolationSeconds", "scalingEvents", "replicaSeconds")) {
      assertThat(report.has(field)).as(field).isTrue();
    }

    assertThat(Files.readString(out.resolve("report.md"))).contains("## Decisions: lag-scaler");
    assertThat(Files.readAllLines(out.resolve("timeline.csv"))).hasSize(91);
    var png = ImageIO.read(out.resolve("timeline.png").toFile());
    assertThat(png.getWidth()).isEqualTo(1100);
    assertThat(png.getHeight()).isEqualTo(3 * 330);
    assertThat(live).contains("[  40s] lag-scaler").contains("replicas");
    assertThat(report.get("profile").asText()).isEqualTo(profile.toString());
    assertThat(report.get("sink").asText()).isEqualTo("intake");
    assertThat(report.get("ordersFailed").asLong()).as(live).isZero();
  }

  /**
   * Opens the URL the demo printed in headless Chromium once the demo is 45 s in (after the burst's
   * scale-up), waits for drawn charts and decision rows, saves a screenshot; the view, or what
   * failed.
   */
  private static Object watchLivePage(ByteArrayOutputStream lines, Path screenshot) {
    try {
      Pattern url = Pattern.compile("live page: (http://\\S+)");
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      Matcher m = url.matcher("");
      while (System.nanoTime() < deadline) {
        String text = lines.toString(StandardCharsets.UTF_8);
        m = url.matcher(text);
        if (m.find() && text.contains("[  45s]")) {
          break;
        }
        Thread.sleep(500);
      }
      if (!m.hasMatch()) {
        return new AssertionError("the demo printed no live page URL within 4 minutes");
      }
      try (HeadlessChromium chromium =
          HeadlessChromium.start(screenshot.getParent().resolve("chromium"), 1500, 1150)) {
        chromium.open(m.group(1));
        LivePageView view =
            LivePageView.await(
                chromium,
                v -> v.points("replicas") > 40 && v.rows().size() >= 2,
                Duration.ofSeconds(30));
        chromium.screenshot(screenshot);
        return view;
      }
    } catch (Throwable e) {
      return e;
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** lag-scaler's /metrics text, or "" while the targets file or the server is not there yet. */
  private static String scrapeLagScaler(Path targets) {
    try {
      if (!Files.exists(targets)) {
        return "";
      }
      for (JsonNode entry : new ObjectMapper().readTree(targets.toFile())) {
        if (entry.get("labels").get("job").asText().equals("lag-scaler")) {
          String url = "http://" + entry.get("targets").get(0).asText() + "/metrics";
          try (HttpClient http = HttpClient.newHttpClient()) {
            String body =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
            // Before the first poll the registry has no group series yet.
            return body.contains("lagscaler_group_lag_messages") ? body : "";
          }
        }
      }
      return "";
    } catch (Exception notYet) {
      return "";
    }
  }
}
