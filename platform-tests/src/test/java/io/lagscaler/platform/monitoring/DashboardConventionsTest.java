package io.lagscaler.platform.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lagscaler.platform.Repo;
import io.lagscaler.platform.monitoring.Dashboards.Dashboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conventions of kube-prometheus-stack's dashboards, on every dashboard in dashboards/: the
 * data source is a variable, {@code id} null and a fixed {@code uid}, query variables for the
 * namespace and target or service, {@code $__rate_interval} rather than fixed ranges, and every
 * panel with a unit, a description and a query; plus one copy of each JSON, and a doc for every
 * panel.
 */
class DashboardConventionsTest {

  private static final String DATASOURCE = "${datasource}";
  // rate(...[5m]), increase(x[1h]), avg_over_time(y[30s]): a range written as a fixed duration.
  private static final Pattern FIXED_RANGE = Pattern.compile("\\[\\s*\\d+(ms|s|m|h|d|w|y)");
  private static final Pattern RANGE_FUNCTION =
      Pattern.compile("\\b(rate|irate|increase|deriv|delta|idelta|\\w+_over_time)\\s*\\(");

  static Stream<Dashboard> dashboards() {
    return Dashboards.ALL.stream();
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void theJsonLivesOnceInTheChartAndDashboardsLinksToIt(Dashboard d) throws Exception {
    assertThat(d.link()).as("dashboards/%s.json is a symbolic link", d.name()).isSymbolicLink();
    assertThat(Files.isSameFile(d.link(), d.chartCopy()))
        .as("%s points at %s", d.link(), d.chartCopy())
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void identityIsFixedAndTheDataSourceIsAVariable(Dashboard d) {
    JsonNode json = d.json();
    assertThat(json.get("id").isNull()).as("id is null: Grafana assigns it").isTrue();
    assertThat(json.get("uid").asText()).matches("[a-z0-9-]{1,40}");
    assertThat(json.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
    assertThat(json.path("title").asText()).isNotBlank();
    JsonNode first = json.get("templating").get("list").get(0);
    assertThat(first.get("name").asText()).isEqualTo("datasource");
    assertThat(first.get("type").asText()).isEqualTo("datasource");
    assertThat(first.get("query").asText()).isEqualTo("prometheus");
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void uidsDifferBetweenDashboards(Dashboard d) {
    long same =
        Dashboards.ALL.stream()
            .filter(o -> o.json().get("uid").asText().equals(d.json().get("uid").asText()))
            .count();
    assertThat(same).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void templateVariablesAreQueriesOnTheDataSourceVariable(Dashboard d) {
    List<String> names = new ArrayList<>();
    for (JsonNode variable : d.json().get("templating").get("list")) {
      String name = variable.get("name").asText();
      names.add(name);
      if (!"query".equals(variable.get("type").asText())) {
        continue;
      }
      assertThat(variable.get("datasource").get("uid").asText()).as(name).isEqualTo(DATASOURCE);
      assertThat(variable.get("definition").asText()).as(name).startsWith("label_values(");
      assertThat(variable.get("query").get("query").asText())
          .as(name)
          .isEqualTo(variable.get("definition").asText());
      // "All" as .* keeps every query valid when nothing narrows it.
      assertThat(variable.get("allValue").asText()).as(name).isEqualTo(".*");
    }
    assertThat(names).containsAll(d.variables());
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyPanelHasAUnitADescriptionAndAQueryOnTheDataSourceVariable(Dashboard d) {
    List<JsonNode> panels = Dashboards.panels(d.json());
    assertThat(panels).hasSizeGreaterThan(5);
    Set<String> titles = new HashSet<>();
    for (JsonNode panel : panels) {
      String title = panel.get("title").asText();
      assertThat(titles.add(title)).as("panel titles are unique: " + title).isTrue();
      assertThat(panel.path("description").asText()).as(title + " has a description").isNotBlank();
      assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText())
          .as(title + " has a unit")
          .isNotBlank();
      assertThat(panel.get("datasource").get("uid").asText()).as(title).isEqualTo(DATASOURCE);
      assertThat(panel.get("targets")).as(title + " has a query").isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        assertThat(target.path("expr").asText()).as(title + " target has an expr").isNotBlank();
        assertThat(target.get("datasource").get("uid").asText()).as(title).isEqualTo(DATASOURCE);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void rangesAreTheRateIntervalNeverAFixedDuration(Dashboard d) {
    for (String expr : expressions(d.json())) {
      assertThat(expr).as(expr).doesNotContainPattern(FIXED_RANGE);
      Matcher function = RANGE_FUNCTION.matcher(expr);
      if (function.find()) {
        assertThat(expr).as(expr).contains("[$__rate_interval]");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void variablesUsedInQueriesAreDeclared(Dashboard d) {
    Set<String> declared = new HashSet<>();
    d.json().get("templating").get("list").forEach(v -> declared.add(v.get("name").asText()));
    Matcher used = Pattern.compile("\\$(\\w+)").matcher(String.join("\n", expressions(d.json())));
    while (used.find()) {
      String name = used.group(1);
      if (!name.startsWith("__") && !name.matches("\\d+")) {
        assertThat(declared).as("$" + name + " is a template variable").contains(name);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void docsDashboardsDescribesEveryPanel(Dashboard d) throws Exception {
    String doc = Files.readString(Repo.path("docs/dashboards.md"));
    assertThat(doc).contains("`" + d.json().get("uid").asText() + "`");
    for (JsonNode panel : Dashboards.panels(d.json())) {
      assertThat(doc)
          .as("docs/dashboards.md describes panel '%s'", panel.get("title").asText())
          .contains("| " + panel.get("title").asText() + " |");
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyLagScalerAndServiceMetricQueriedIsDocumented(Dashboard d) throws Exception {
    String documented =
        Files.readString(Repo.path("docs/metrics.md"))
            + Files.readString(Repo.path("docs/services.md"));
    Matcher metric =
        Pattern.compile("\\b(lagscaler|orders)_[a-z_]+")
            .matcher(String.join("\n", expressions(d.json())));
    while (metric.find()) {
      String name = metric.group().replaceAll("_(sum|count|total|bucket|max)$", "");
      assertThat(documented).as("metric " + metric.group() + " is documented").contains("`" + name);
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void theLocalExpectationsNameOnlyPanelsThatExist(Dashboard d) throws Exception {
    Path file = Repo.path("dashboards/local-expectations.yaml");
    Object loaded = new org.yaml.snakeyaml.Yaml().load(Files.readString(file));
    @SuppressWarnings("unchecked")
    List<java.util.Map<String, Object>> entries =
        (List<java.util.Map<String, Object>>)
            ((java.util.Map<String, Object>) loaded).get("noLocalData");
    Set<String> titles = new HashSet<>();
    Dashboards.panels(d.json()).forEach(p -> titles.add(p.get("title").asText()));
    String uid = d.json().get("uid").asText();
    for (java.util.Map<String, Object> entry : entries) {
      assertThat(entry).containsKeys("dashboard", "panel", "reason");
      assertThat(String.valueOf(entry.get("reason"))).isNotBlank();
      assertThat(Dashboards.ALL.stream().map(o -> o.json().get("uid").asText()))
          .contains(String.valueOf(entry.get("dashboard")));
      if (uid.equals(entry.get("dashboard"))) {
        assertThat(titles).contains(String.valueOf(entry.get("panel")));
      }
    }
  }

  static List<String> expressions(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : Dashboards.panels(dashboard)) {
      panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
    }
    for (JsonNode annotation : dashboard.path("annotations").path("list")) {
      if (annotation.has("expr")) {
        exprs.add(annotation.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      if (variable.has("definition")) {
        exprs.add(variable.get("definition").asText());
      }
    }
    return exprs;
  }
}
