package io.lagscaler.platform.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lagscaler.platform.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The plain alert rule files in dashboards/alerts/ (links to the charts' copies): valid for
 * promtool, every alert proven by a promtool unit test that fires it and one that keeps it quiet,
 * and every alert labelled, annotated and linked to a runbook that exists.
 */
class AlertRulesTest {

  /** A rule file, the chart that renders it, and its promtool unit tests. */
  record RuleFile(String name, String chart) {
    Path link() {
      return Repo.path("dashboards/alerts/" + name + ".rules.yaml");
    }

    Path chartCopy() {
      return Repo.path("helm/" + chart + "/files/alerts/" + name + ".rules.yaml");
    }

    Path tests() {
      return Repo.path("dashboards/alerts/tests/" + name + ".test.yaml");
    }
  }

  static final List<RuleFile> FILES =
      List.of(
          new RuleFile("lag-scaler", "lag-scaler"),
          new RuleFile("retail-services", "retail-services"));

  static Stream<RuleFile> files() {
    return FILES.stream();
  }

  @ParameterizedTest
  @MethodSource("files")
  void theRulesLiveOnceInTheChartAndDashboardsAlertsLinksToThem(RuleFile f) throws Exception {
    assertThat(f.link()).isSymbolicLink();
    assertThat(Files.isSameFile(f.link(), f.chartCopy())).isTrue();
  }

  @ParameterizedTest
  @MethodSource("files")
  void promtoolAcceptsTheRules(RuleFile f) {
    assertPromtool(f.link().getParent(), "check", "rules", f.link().getFileName().toString());
  }

  @ParameterizedTest
  @MethodSource("files")
  void promtoolUnitTestsPass(RuleFile f) {
    assertPromtool(f.tests().getParent(), "test", "rules", f.tests().getFileName().toString());
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyAlertHasAFiringAndAQuietUnitTest(RuleFile f) {
    Map<String, List<Object>> cases = new LinkedHashMap<>();
    for (Map<String, Object> test : list(yaml(f.tests()).get("tests"))) {
      for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
        cases
            .computeIfAbsent(String.valueOf(check.get("alertname")), k -> new ArrayList<>())
            .add(check.get("exp_alerts"));
      }
    }
    for (String alert : alerts(f).keySet()) {
      assertThat(cases).as("%s has promtool cases", alert).containsKey(alert);
      assertThat(cases.get(alert))
          .as("%s: a case where it fires", alert)
          .anySatisfy(e -> assertThat((List<?>) e).isNotEmpty());
      assertThat(cases.get(alert))
          .as("%s: a case where it stays quiet", alert)
          .anySatisfy(e -> assertThat((List<?>) e).isEmpty());
    }
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyAlertHasASeveritySummaryDescriptionAndARunbookThatSaysWhatToCheckAndDo(RuleFile f)
      throws Exception {
    String alertsDoc = Files.readString(Repo.path("docs/alerts.md"));
    for (Map.Entry<String, List<Map<String, Object>>> alert : alerts(f).entrySet()) {
      String name = alert.getKey();
      for (Map<String, Object> rule : alert.getValue()) {
        assertThat(map(rule.get("labels")).get("severity")).as(name).isIn("critical", "warning");
        Map<String, Object> annotations = map(rule.get("annotations"));
        assertThat(annotations).as(name).containsKeys("summary", "description");
        assertThat(annotations.get("runbook_url")).isEqualTo("docs/runbooks/" + name + ".md");
      }
      Path runbook = Repo.path("docs/runbooks/" + name + ".md");
      assertThat(runbook).as("runbook of " + name).isRegularFile();
      assertThat(Files.readString(runbook))
          .as(runbook.toString())
          .contains("# " + name, "## What to check", "## What to do");
      assertThat(alertsDoc)
          .as("docs/alerts.md explains " + name)
          .contains("## " + name, "runbooks/" + name + ".md");
    }
  }

  /** Runbooks of procedures run on purpose, not on an alert. */
  static final List<String> PROCEDURES = List.of("disaster-recovery");

  @Test
  void everyRunbookBelongsToAnAlert() throws IOException {
    List<String> names = new ArrayList<>(PROCEDURES);
    FILES.forEach(f -> names.addAll(alerts(f).keySet()));
    try (Stream<Path> runbooks = Files.list(Repo.path("docs/runbooks"))) {
      assertThat(runbooks.map(p -> p.getFileName().toString().replace(".md", "")))
          .allSatisfy(r -> assertThat(names).contains(r));
    }
  }

  /** Alerts by name (one name may have several rules, e.g. a warning and a critical). */
  static Map<String, List<Map<String, Object>>> alerts(RuleFile f) {
    Map<String, List<Map<String, Object>>> alerts = new LinkedHashMap<>();
    for (Map<String, Object> group : list(yaml(f.chartCopy()).get("groups"))) {
      for (Map<String, Object> rule : list(group.get("rules"))) {
        if (rule.containsKey("alert")) {
          alerts
              .computeIfAbsent(String.valueOf(rule.get("alert")), k -> new ArrayList<>())
              .add(rule);
        }
      }
    }
    assertThat(alerts).isNotEmpty();
    return alerts;
  }

  /**
   * Runs promtool in {@code dir} and fails with its output unless it exits 0. A missing promtool
   * fails too, saying how to install it: these checks are never skipped.
   */
  static void assertPromtool(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(promtool());
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("promtool " + String.join(" ", args) + " did not finish in 2 minutes");
      }
      assertThat(process.exitValue())
          .as("promtool %s in %s:%n%s", String.join(" ", args), dir, output)
          .isZero();
    } catch (IOException e) {
      fail(
          "promtool could not be run ("
              + e.getMessage()
              + "). Install Prometheus's promtool (Debian: apt-get install -y prometheus) or set"
              + " PROMTOOL to its path.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while running promtool");
    }
  }

  static String promtool() {
    String configured = System.getenv("PROMTOOL");
    return configured == null || configured.isBlank() ? "promtool" : configured;
  }

  static Map<String, Object> yaml(Path file) {
    try {
      return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }
}
