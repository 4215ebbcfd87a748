package io.lagscaler.loadtest.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.devstack.ChildProcesses;
import io.lagscaler.devstack.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The machine's headless Chromium, driven by its chromedriver over the W3C WebDriver protocol
 * (plain HTTP and JSON: no Selenium, whose dependencies would not converge with the project's).
 */
public final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoopbackServer driver;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String session;

  private HeadlessChromium(LoopbackServer driver, String session) {
    this.driver = driver;
    this.session = session;
  }

  /** Starts chromedriver and a headless Chromium of {@code width} x {@code height}. */
  public static HeadlessChromium start(Path dir, int width, int height) throws Exception {
    Path browser =
        LoopbackServer.onPath("chromium", "chromium-browser")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "chromium is not installed: apt-get install chromium (./build.sh test"
                            + " installs it)"));
    Path chromedriver =
        LoopbackServer.onPath("chromedriver", "chromium.chromedriver")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "chromedriver is not installed: apt-get install chromium-driver"
                            + " (./build.sh test installs it)"));
    int port = ChildProcesses.freePort();
    LoopbackServer driver =
        LoopbackServer.start(
            "chromedriver",
            List.of(chromedriver.toString(), "--port=" + port),
            dir,
            port,
            "/status",
            Duration.ofSeconds(30));
    Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
    // Headless as root needs --no-sandbox; the background-networking flags keep it from trying
    // (and failing) to reach the internet.
    List<String> args =
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--user-data-dir=" + profile,
            "--window-size=" + width + "," + height);
    Map<String, Object> capabilities =
        Map.of(
            "capabilities",
            Map.of(
                "alwaysMatch",
                Map.of(
                    "browserName",
                    "chrome",
                    "goog:chromeOptions",
                    Map.of("binary", browser.toString(), "args", args))));
    try {
      JsonNode created = call(HttpClient.newHttpClient(), driver.url() + "/session", capabilities);
      return new HeadlessChromium(driver, created.path("value").path("sessionId").asText());
    } catch (Exception e) {
      driver.close();
      throw new IllegalStateException("chromedriver could not start Chromium: " + driver.tail(), e);
    }
  }

  public void open(String url) throws Exception {
    command("/url", Map.of("url", url));
  }

  /** Runs {@code script} (a function body: {@code return ...}) in the page; its value as JSON. */
  public JsonNode script(String script) throws Exception {
    return command("/execute/sync", Map.of("script", script, "args", List.of())).path("value");
  }

  public void screenshot(Path png) throws Exception {
    JsonNode value = get("/screenshot").path("value");
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(value.asText()));
  }

  private JsonNode command(String path, Object body) throws Exception {
    return call(http, driver.url() + "/session/" + session + path, body);
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(driver.url() + "/session/" + session + path))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return answer(response);
  }

  private static JsonNode call(HttpClient http, String url, Object body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return answer(response);
  }

  private static JsonNode answer(HttpResponse<String> response) throws IOException {
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "WebDriver "
              + response.request().uri()
              + " answered "
              + response.statusCode()
              + ": "
              + body.path("value").path("message").asText(response.body()));
    }
    return body;
  }

  @Override
  public void close() {
    try {
      http.send(
          HttpRequest.newBuilder(URI.create(driver.url() + "/session/" + session))
              .timeout(Duration.ofSeconds(20))
              .DELETE()
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception ignored) {
      // stopping chromedriver below ends its browser too
    } finally {
      http.close();
      driver.close();
    }
  }
}
