package io.lagscaler.services.common.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.lagscaler.services.common.telemetry.Meters;
import io.lagscaler.services.common.telemetry.Telemetry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side every service shares: {@code /healthz} (the process runs), {@code /readyz} (Kafka
 * and the service's store answer), {@code /metrics} (Prometheus), request metrics, and the
 * service's own routes.
 */
public final class ServiceHttp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceHttp.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Javalin app;

  private ServiceHttp(Javalin app) {
    this.app = app;
  }

  /**
   * Starts the server on {@code port} (0 for a free one). {@code readiness} maps each dependency's
   * name to its check; {@code routes} adds the service's own endpoints.
   */
  public static ServiceHttp start(
      int port,
      long maxRequestBytes,
      Telemetry telemetry,
      Map<String, ReadinessCheck> readiness,
      Consumer<RoutesConfig> routes) {
    Javalin app =
        Javalin.create(
            config -> {
              config.http.maxRequestSize = maxRequestBytes;
              config.startup.showJavalinBanner = false;
              config.jetty.host = "0.0.0.0";
              config.requestLogger.http(
                  (ctx, millis) ->
                      Timer.builder(Meters.HTTP_REQUESTS)
                          .tag("method", ctx.method().toString())
                          .tag("route", route(ctx))
                          .tag("status", Integer.toString(ctx.statusCode()))
                          .serviceLevelObjectives(Meters.latencyBuckets())
                          .register(telemetry.registry())
                          .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS));
              config.routes.get("/healthz", ctx -> ctx.result("ok"));
              config.routes.get("/readyz", ctx -> ready(ctx, readiness));
              config.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(telemetry.scrape()));
              routes.accept(config.routes);
            });
    app.start(port);
    LOG.info("HTTP on port {}", app.port());
    return new ServiceHttp(app);
  }

  // A bounded tag: the matched route template, never the raw path with its ids.
  private static String route(Context ctx) {
    try {
      String path = ctx.endpoint().path;
      return path == null || path.isEmpty() ? "unmatched" : path;
    } catch (RuntimeException noEndpoint) {
      return "unmatched";
    }
  }

  private static void ready(Context ctx, Map<String, ReadinessCheck> readiness) {
    Map<String, String> status = new LinkedHashMap<>();
    boolean ready = true;
    for (Map.Entry<String, ReadinessCheck> check : readiness.entrySet()) {
      String problem;
      try {
        problem = check.getValue().problem();
      } catch (RuntimeException e) {
        problem = e.toString();
      }
      status.put(check.getKey(), problem == null ? "ok" : problem);
      ready &= problem == null;
    }
    json(ctx, ready ? 200 : 503, status);
  }

  /** Writes {@code body} as JSON with the given status. */
  public static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** A dependency check: null when reachable, otherwise what is wrong. */
  @FunctionalInterface
  public interface ReadinessCheck {
    String problem();
  }
}
