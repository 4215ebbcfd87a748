package io.lagscaler.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.lagscaler.controller.ControllerStatus;
import io.lagscaler.controller.TargetStatus;
import io.lagscaler.explain.SignalsView;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.TimeLag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The controller's HTTP endpoints: {@code /healthz} (the process is up), {@code /readyz} (config
 * loaded and Kafka reached), {@code /metrics} (Prometheus) and {@code /status} (JSON per target, a
 * plain-text table for {@code Accept: text/plain}).
 */
public final class StatusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Javalin app;

  private StatusServer(Javalin app) {
    this.app = app;
  }

  /** Starts on {@code port} (0 picks a free one). */
  public static StatusServer start(
      String host,
      int port,
      Supplier<ControllerStatus> status,
      BooleanSupplier ready,
      Supplier<String> metrics) {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = host;
              config.routes.get("/healthz", ctx -> ctx.result("ok"));
              config.routes.get(
                  "/readyz",
                  ctx -> {
                    if (ready.getAsBoolean()) {
                      ctx.result("ready");
                    } else {
                      ctx.status(503)
                          .result("not ready: no config applied or Kafka not reached yet");
                    }
                  });
              config.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(metrics.get()));
              config.routes.get("/status", ctx -> status(ctx, status.get()));
            });
    app.start(port);
    return new StatusServer(app);
  }

  public int port() {
    return app.port();
  }

  private static void status(Context ctx, ControllerStatus status) throws Exception {
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("text/plain") && !accept.contains("application/json")) {
      ctx.contentType("text/plain; charset=utf-8").result(table(status));
    } else {
      ctx.contentType("application/json").result(JSON.writeValueAsString(json(status)));
    }
  }

  /** The status as plain maps (stable field names, unknown as null). */
  public static Map<String, Object> json(ControllerStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", s.at().toString());
    m.put("identity", s.identity());
    m.put("leader", s.leader());
    m.put("currentLeader", s.currentLeader().orElse(null));
    m.put("configLoadedAt", s.configLoadedAt().map(Object::toString).orElse(null));
    m.put(
        "configRejection",
        s.configRejection()
            .map(
                r -> {
                  Map<String, Object> rm = new LinkedHashMap<>();
                  rm.put("at", r.at().toString());
                  rm.put("origin", r.origin());
                  rm.put("message", r.message());
                  return rm;
                })
            .orElse(null));
    m.put(
        "lastPoll",
        s.lastPoll()
            .map(
                p -> {
                  Map<String, Object> pm = new LinkedHashMap<>();
                  pm.put("durationMs", p.duration().toMillis());
                  pm.put("brokerRequests", p.brokerRequests());
                  pm.put("brokers", p.brokers());
                  pm.put("partitions", p.partitions());
                  pm.put("groupPartitions", p.groupPartitions());
                  return pm;
                })
            .orElse(null));
    m.put("lastSuccessfulPoll", s.lastSuccessfulPoll().map(Object::toString).orElse(null));
    List<Map<String, Object>> targets = new ArrayList<>();
    for (TargetStatus t : s.targets()) {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("name", t.name());
      tm.put("workload", t.workload());
      tm.put("consumerGroup", t.consumerGroup());
      // Beside signals.maxTimeLagSeconds, so a reader (ops status) sets one against the other.
      tm.put("targetLagSeconds", t.targetLag().toMillis() / 1000.0);
      tm.put(
          "replicas",
          Map.of(
              "desired",
              t.desiredReplicas(),
              "current",
              t.currentReplicas(),
              "ready",
              t.readyReplicas()));
      tm.put("action", t.action().name());
      tm.put("dryRun", t.dryRun());
      t.decision()
          .ifPresentOrElse(
              d -> {
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("replicas", d.replicas());
                dm.put("reason", d.reason().name());
                dm.put("explanation", d.explanation());
                dm.put("at", d.at().toString());
                tm.put("decision", dm);
              },
              () -> tm.put("decision", null));
      tm.put("lastScaleTime", t.lastScaleTime().map(Object::toString).orElse(null));
      tm.put("error", t.error().orElse(null));
      tm.put("consecutiveFailures", t.consecutiveFailures());
      tm.put("competingAutoscalers", t.competingAutoscalers());
      tm.put("signals", SignalsView.json(List.of(t.signals()), false).getFirst());
      targets.add(tm);
    }
    m.put("targets", targets);
    m.put(
        "discoveryIssues",
        s.discoveryIssues().stream()
            .map(
                i ->
                    Map.<String, Object>of(
                        "workload", i.workload().toString(),
                        "kind", i.kind().name(),
                        "message", i.message()))
            .toList());
    return m;
  }

  /** One line per target, for people and {@code curl}. */
  public static String table(ControllerStatus s) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "lag-scaler %s (%s), leader: %s%s%n",
            s.identity(),
            s.leader() ? "leader" : "standby",
            s.currentLeader().orElse("unknown"),
            s.configRejection()
                .map(r -> ", LAST CONFIG CHANGE REJECTED: " + r.message())
                .orElse("")));
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "TARGET", "WORKLOAD", "LAG", "TIME-LAG", "DESIRED", "READY", "DECIDED", "REASON", "ACTION"
        });
    for (TargetStatus t : s.targets()) {
      String lag = "?";
      String timeLag = "?";
      if (t.signals() instanceof GroupSignals.Observed o) {
        lag = String.format(Locale.ROOT, "%,d", o.totalLag());
        timeLag =
            o.maxTimeLag() instanceof TimeLag.Known(double seconds, var basis)
                ? String.format(Locale.ROOT, "%.1fs", seconds)
                : "?";
      }
      rows.add(
          new String[] {
            t.name(),
            t.workload(),
            lag,
            timeLag,
            Integer.toString(t.desiredReplicas()),
            Integer.toString(t.readyReplicas()),
            t.decision().map(d -> Integer.toString(d.replicas())).orElse("-"),
            t.decision().map(d -> d.reason().name()).orElse("-"),
            t.action().name() + t.error().map(e -> " (" + e + ")").orElse("")
          });
    }
    int[] widths = new int[rows.getFirst().length];
    rows.forEach(
        r -> {
          for (int i = 0; i < r.length; i++) {
            widths[i] = Math.max(widths[i], r[i].length());
          }
        });
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s  ", r[i]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    s.discoveryIssues()
        .forEach(i -> out.append(i.kind().name()).append(": ").append(i.message()).append('\n'));
    return out.toString();
  }

  @Override
  public void close() {
    app.stop();
  }
}
