package io.lagscaler.loadtest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lagscaler.devstack.LoopbackServer;
import io.lagscaler.devstack.PrometheusServer;
import io.lagscaler.loadtest.local.DemoCommand;
import io.lagscaler.loadtest.prometheus.GrafanaDashboard.Query;
import io.lagscaler.loadtest.prometheus.GrafanaDashboard.Variable;
import io.lagscaler.loadtest.prometheus.PrometheusApi.QueryError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The dashboards and alert rules proven against real data: a real Prometheus scrapes the local
 * stack (the broker through the JMX exporter with the platform's rules, Redis through its exporter,
 * lag-scaler, order-intake, store-totals at every replica it is scaled to, purchase-graph) while a
 * short demo runs, with the alert rules loaded. Then every dashboard query, with its template
 * variables resolved the way Grafana does, and every rule expression go through Prometheus's HTTP
 * API: each must be valid, and each must return series unless dashboards/local-expectations.yaml
 * says why its data cannot exist on one machine.
 */
class DashboardsOnPrometheusTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path DASHBOARDS = REPO.resolve("dashboards");
  private static final List<String> JOBS =
      List.of("lag-scaler", "order-intake", "store-totals", "purchase-graph", "kafka", "redis");
  private static final int STEP = 2;

  private final LocalExpectations expectations = LocalExpectations.load(DASHBOARDS);
  private PrometheusApi api;
  private long start;
  private long end;
  private final List<String> failures = new ArrayList<>();
  private int provenQueries;
  private int excusedQueries;
  private int provenRules;

  @Test
  void everyDashboardQueryAndAlertExpressionWorksOnDataScrapedFromTheLocalStack(@TempDir Path dir)
      throws Exception {
    assertThat(LoopbackServer.onPath("prometheus-redis-exporter", "redis_exporter"))
        .as("Redis's exporter on PATH (Debian: apt-get install prometheus-redis-exporter)")
        .isPresent();
    List<Path> ruleFiles = ruleFiles();
    assertThat(ruleFiles).as("alert rule files under dashboards/alerts").isNotEmpty();
    Path out = dir.resolve("demo");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, prometheusConfig(out.resolve("prometheus"), ruleFiles));

    String live;
    try (LoopbackServer prometheus = PrometheusServer.start(config, dir.resolve("prometheus"))) {
      api = new PrometheusApi(prometheus.url());
      start = System.currentTimeMillis() / 1000;
      live = runDemo(dir, out);
      end = System.currentTimeMillis() / 1000 + 2;
      Thread.sleep(3_000); // the last scrapes and rule evaluations

      everyComponentWasScraped(live);
      for (Path file : dashboards()) {
        proveDashboard(GrafanaDashboard.read(file));
      }
      proveRules(ruleFiles);
    }
    System.out.printf(
        "proof: %d dashboard queries returned series, %d cluster-only queries were valid, %d rules"
            + " evaluated healthy on data scraped from %s%n",
        provenQueries, excusedQueries, provenRules, JOBS);
    assertThat(provenQueries).as("dashboard queries proven").isPositive();
    assertThat(failures).as(String.join("\n", failures)).isEmpty();
  }

  // ---- the run ----------------------------------------------------------------------------------

  private static String prometheusConfig(Path targets, List<Path> ruleFiles) {
    StringBuilder rules = new StringBuilder();
    ruleFiles.forEach(f -> rules.append("  - ").append(f.toAbsolutePath()).append('\n'));
    return """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
        %s\
        scrape_configs:
          # The demo writes one target group per process, labelled as a ServiceMonitor would
          # label it (job, namespace, pod), and rewrites the file as replicas come and go.
          - job_name: local
            file_sd_configs:
              - files: ["%s/*.json"]
                refresh_interval: 1s
        """
        .formatted(rules, targets.toAbsolutePath());
  }

  /** A short spike: store-totals scales up under it and back down after. */
  private static String runDemo(Path dir, Path out) throws IOException {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    DemoCommand demo = new DemoCommand(new PrintStream(lines, true, StandardCharsets.UTF_8));
    Path profile =
        Files.writeString(dir.resolve("spike.csv"), "second,rate\n0,10\n10,110\n30,10\n");
    int exit =
        new CommandLine(demo)
            .execute(
                "--profile", profile.toString(),
                "--duration", "80s",
                "--scale-down-window", "15s",
                "--target-lag", "10s",
                "--max-replicas", "4",
                "--metrics-port", "0",
                "--services-dir", "../services",
                "--out", out.toString());
    String live = lines.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(live).isZero();
    return live;
  }

  private void everyComponentWasScraped(String live) throws QueryError {
    for (String job : JOBS) {
      JsonNode up = api.queryRange("up{job=\"" + job + "\"} == 1", start, end, STEP);
      assertThat(up).as("Prometheus scraped job %s (demo output:\n%s)", job, live).isNotEmpty();
    }
    // The scrape targets follow scaling: every store-totals replica was scraped.
    List<String> pods = api.labelValues("pod", "up{job=\"store-totals\"}", start, end);
    assertThat(pods).as("store-totals pods scraped").hasSizeGreaterThanOrEqualTo(2);
  }

  // ---- dashboards -------------------------------------------------------------------------------

  private void proveDashboard(GrafanaDashboard dashboard) throws QueryError {
    assertThat(dashboard.queries()).as(dashboard.uid() + " queries").isNotEmpty();
    Map<String, List<String>> values = new LinkedHashMap<>();
    Map<String, String> union = builtins();
    for (Variable v : dashboard.variables()) {
      var call = GrafanaDashboard.labelValuesCall(v.query());
      String selector = GrafanaDashboard.substitute(call.getKey(), union::get);
      List<String> found =
          api.labelValues(call.getValue(), selector.isEmpty() ? null : selector, start, end);
      if (found.isEmpty()) {
        failures.add(dashboard.uid() + ": variable $" + v.name() + " has no values: " + v.query());
        return;
      }
      union.put(v.name(), GrafanaDashboard.alternation(found));
      values.put(v.name(), v.multi() ? List.of(GrafanaDashboard.alternation(found)) : found);
    }
    List<Map<String, String>> selections = selections(values);
    Set<String> excused = expectations.panels(dashboard.uid());
    for (Query q : dashboard.queries()) {
      boolean data = false;
      for (Map<String, String> selection : selections) {
        Map<String, String> all = new HashMap<>(builtins());
        all.putAll(selection);
        String expr;
        try {
          expr = GrafanaDashboard.substitute(q.expr(), all::get);
        } catch (IllegalArgumentException e) {
          failures.add(where(dashboard, q) + e.getMessage());
          data = true;
          break;
        }
        try {
          if (!api.queryRange(expr, start, end, STEP).isEmpty()) {
            data = true;
            break;
          }
        } catch (QueryError e) {
          failures.add(where(dashboard, q) + "invalid: " + e.getMessage() + "\n    " + expr);
          data = true; // reported once
          break;
        }
      }
      boolean clusterOnly = excused.contains(q.panel());
      if (clusterOnly) {
        excusedQueries++;
      } else if (data) {
        provenQueries++;
      }
      if (!data && !clusterOnly) {
        failures.add(
            where(dashboard, q)
                + "no series for any selection of "
                + values.keySet()
                + ": "
                + q.expr());
      }
      if (data && clusterOnly) {
        failures.add(
            where(dashboard, q)
                + "listed in local-expectations.yaml as cluster-only but has local data");
      }
    }
  }

  private static String where(GrafanaDashboard d, Query q) {
    return d.uid() + " / " + q.panel() + " [" + q.refId() + "]: ";
  }

  /** Grafana's built-in variables, for a 1 s scrape interval and this run's range. */
  private Map<String, String> builtins() {
    Map<String, String> b = new HashMap<>();
    b.put("__rate_interval", "10s");
    b.put("__interval", STEP + "s");
    b.put("__interval_ms", Integer.toString(STEP * 1000));
    b.put("__range", (end - start) + "s");
    b.put("__range_s", Long.toString(end - start));
    return b;
  }

  /** Every combination of the single-value variables' values (multi-value ones select all). */
  private static List<Map<String, String>> selections(Map<String, List<String>> values) {
    List<Map<String, String>> out = new ArrayList<>(List.of(Map.of()));
    for (var e : values.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> partial : out) {
        for (String value : e.getValue()) {
          Map<String, String> m = new HashMap<>(partial);
          m.put(e.getKey(), value);
          next.add(m);
        }
      }
      out = next.size() > 64 ? next.subList(0, 64) : next;
    }
    return out;
  }

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      List<Path> found = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      assertThat(found).as("dashboards in " + DASHBOARDS).isNotEmpty();
      return found;
    }
  }

  // ---- rules ------------------------------------------------------------------------------------

  private static List<Path> ruleFiles() throws IOException {
    Path alerts = DASHBOARDS.resolve("alerts");
    try (Stream<Path> files = Files.list(alerts)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  @SuppressWarnings("unchecked")
  private void proveRules(List<Path> ruleFiles) throws Exception {
    int declared = 0;
    for (Path file : ruleFiles) {
      Map<String, Object> doc = new Yaml().load(Files.readString(file));
      for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
        for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
          declared++;
          provenRules++;
          String name = String.valueOf(rule.getOrDefault("alert", rule.get("record")));
          String expr = String.valueOf(rule.get("expr"));
          String where = file.getFileName() + " / " + name + ": ";
          try {
            api.queryRange(expr, start, end, STEP);
          } catch (QueryError e) {
            failures.add(where + "invalid: " + e.getMessage());
            continue;
          }
          for (String metric : metricNames(expr)) {
            if (!api.hasSeries(metric, start, end) && !expectations.metrics().contains(metric)) {
              failures.add(where + "metric " + metric + " has no series in the local stack");
            }
          }
        }
      }
    }
    int loaded = 0;
    for (JsonNode group : api.ruleGroups()) {
      for (JsonNode rule : group.path("rules")) {
        loaded++;
        if (!rule.path("health").asText().equals("ok")) {
          failures.add(
              "rule "
                  + rule.path("name").asText()
                  + " is "
                  + rule.path("health").asText()
                  + ": "
                  + rule.path("lastError").asText());
        }
      }
    }
    assertThat(loaded).as("rules Prometheus loaded vs rules in the files").isEqualTo(declared);
  }

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "Inf",
          "NaN",
          "atan2");

  /** The metric names a PromQL expression selects (not functions, labels, keywords). */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    s = s.replaceAll("\\{[^}]*}", " ");
    s = s.replaceAll("\\[[^]]*]", " ");
    s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(s);
    while (m.find()) {
      String token = m.group();
      String rest = s.substring(m.end()).stripLeading();
      if (!rest.startsWith("(") && !KEYWORDS.contains(token)) {
        names.add(token);
      }
    }
    return names;
  }
}
