package io.lagscaler.loadtest.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The live page of a demo or load test: plain HTML drawing {@link LiveBoard} with uPlot (bundled
 * from its WebJar, so the page works offline), re-read from {@code /runs.json} every second.
 */
public final class LivePage implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + uplotVersion();

  /** Path on the server to the classpath resource it serves, and its content type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "/",
          new String[] {"/io/lagscaler/loadtest/live/index.html", "text/html; charset=utf-8"},
          "/live.js",
          new String[] {"/io/lagscaler/loadtest/live/live.js", "text/javascript; charset=utf-8"},
          "/live.css",
          new String[] {"/io/lagscaler/loadtest/live/live.css", "text/css; charset=utf-8"},
          "/uplot/uPlot.iife.min.js",
          new String[] {UPLOT + "/dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
          "/uplot/uPlot.min.css",
          new String[] {UPLOT + "/dist/uPlot.min.css", "text/css; charset=utf-8"});

  private final Javalin app;
  private final String host;

  private LivePage(Javalin app, String host) {
    this.app = app;
    this.host = host;
  }

  /** Serves {@code board} on {@code host}:{@code port} (0 picks a free port). */
  public static LivePage start(String host, int port, LiveBoard board) {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = host;
              FILES.forEach((path, file) -> config.routes.get(path, ctx -> serve(ctx, file)));
              config.routes.get(
                  "/runs.json",
                  ctx ->
                      ctx.contentType("application/json")
                          .header("Cache-Control", "no-store")
                          .result(JSON.writeValueAsString(board.json())));
            });
    app.start(port);
    return new LivePage(app, host);
  }

  /** The page's address, as printed for the user. */
  public String url() {
    return "http://" + host + ":" + app.port() + "/";
  }

  private static void serve(Context ctx, String[] file) throws IOException {
    try (InputStream in = LivePage.class.getResourceAsStream(file[0])) {
      if (in == null) {
        ctx.status(500).result("missing from the jar: " + file[0]);
        return;
      }
      ctx.contentType(file[1]).result(in.readAllBytes());
    }
  }

  /** The WebJar's version, from its Maven metadata (pinned once, in the parent POM). */
  private static String uplotVersion() {
    try (InputStream in =
        LivePage.class.getResourceAsStream(
            "/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("uPlot's WebJar is not on the class path");
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read uPlot's WebJar version", e);
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
