package io.lagscaler.platform.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.Charts;
import io.lagscaler.platform.helm.HelmMakefile;
import io.lagscaler.platform.helm.HelmMakefile.PinnedChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every key the project sets for a third-party chart (helm/platform/third-party/*.yaml, the
 * environment overlays, and the Makefile's --set flags) exists in that chart's values.yaml at the
 * pinned version in ../shared/upstream/charts, and the values pass the chart's values.schema.json
 * where it has one. Helm ignores a key the chart does not have without a word: this is what makes
 * such a setting fail here instead of doing nothing on a cluster.
 */
class UpstreamValuesTest {

  private static HelmMakefile makefile;
  private static Path thirdParty;
  private static final ValuesKeyCheck CHECK = new ValuesKeyCheck(PinnedUpstream.FREE_FORM);

  @BeforeAll
  static void read() {
    makefile = HelmMakefile.read();
    thirdParty = Repo.path("helm/platform/third-party");
  }

  @Test
  void everyPinnedChartHasUpstreamValuesAtItsPinnedVersionOrIsListedAsUnverified() {
    List<String> missing = new ArrayList<>();
    for (PinnedChart pin : makefile.pinnedCharts()) {
      if (Upstream.chart(pin.name(), pin.version()).isEmpty()) {
        missing.add(
            pin.name()
                + " "
                + pin.version()
                + " (helm/Makefile "
                + pin.prefix()
                + "_VERSION; shared/upstream/charts holds "
                + Upstream.versionsOf(pin.name())
                + ")");
      }
    }
    for (String line : missing) {
      System.out.println("UNVERIFIED: no upstream values for " + line);
    }
    assertThat(missing)
        .as("pinned charts without upstream data in ../shared/upstream/charts")
        .extracting(line -> line.substring(0, line.indexOf(' ')))
        .containsExactlyInAnyOrderElementsOf(PinnedUpstream.UNVERIFIED.keySet());
  }

  @Test
  void everyKeyOfEveryThirdPartyValuesFileAndMakefileSetIsAKeyOfThePinnedChart() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (PinnedChart pin : makefile.pinnedCharts()) {
      Optional<ValuesKeyCheck.Chart> chart = PinnedUpstream.chart(pin);
      if (chart.isEmpty()) {
        System.out.println(
            "UNVERIFIED: "
                + pin.name()
                + " "
                + pin.version()
                + ": "
                + PinnedUpstream.UNVERIFIED.get(pin.name()));
        continue;
      }
      for (Path file : valuesFiles(pin)) {
        problems.addAll(CHECK.check(relative(file), Charts.readYaml(file), chart.get()));
        checked++;
      }
      for (Map<String, Object> set : makefileSets(pin)) {
        problems.addAll(CHECK.check("helm/Makefile --set", set, chart.get()));
      }
    }
    assertThat(problems).as("keys the pinned charts do not have").isEmpty();
    assertThat(checked).as("values files checked").isGreaterThanOrEqualTo(10);
  }

  @Test
  void valuesOfEveryEnvironmentPassTheChartsValuesSchemaWhereItHasOne() {
    List<String> problems = new ArrayList<>();
    int schemas = 0;
    for (PinnedChart pin : makefile.pinnedCharts()) {
      Optional<Path> folder = Upstream.chart(pin.name(), pin.version());
      Optional<Path> schema = folder.flatMap(Upstream::schema);
      if (schema.isEmpty()) {
        continue;
      }
      schemas++;
      for (String values : pin.values()) {
        for (String env : List.of("dev", "stage", "prod")) {
          Map<String, Object> merged = Upstream.values(folder.get());
          merged = Charts.merge(merged, Charts.readYaml(thirdParty.resolve(values + ".yaml")));
          Path overlay = thirdParty.resolve(env).resolve(values + ".yaml");
          if (Files.isRegularFile(overlay)) {
            merged = Charts.merge(merged, Charts.readYaml(overlay));
          }
          for (String problem : JsonSchemas.validateValues(schema.get(), merged)) {
            problems.add(values + " (" + env + "): " + problem);
          }
        }
      }
    }
    assertThat(problems).as("values breaking a chart's values.schema.json").isEmpty();
    assertThat(schemas).as("charts with a values.schema.json").isGreaterThanOrEqualTo(1);
  }

  // ---- the check itself, on fixtures ----

  @Test
  void aKeyTheChartDoesNotHaveFailsNamingTheFileAndThePath() {
    Path fixture = Repo.path("platform-tests/src/test/resources/upstream/misspelt-values.yaml");
    ValuesKeyCheck.Chart autoscaler =
        PinnedUpstream.chart("cluster-autoscaler", "9.52.1", Map.of()).orElseThrow();
    assertThat(CHECK.check(relative(fixture), Charts.readYaml(fixture), autoscaler))
        .containsExactly(
            "platform-tests/src/test/resources/upstream/misspelt-values.yaml:"
                + " serviceMonitor.enabeld: chart cluster-autoscaler 9.52.1 has no such key"
                + " (its values.yaml)");
  }

  @Test
  void aMapTheChartDoesNotDefineIsAllowedOnlyWhereTheFreeFormListNamesIt() {
    ValuesKeyCheck.Chart autoscaler =
        PinnedUpstream.chart("cluster-autoscaler", "9.52.1", Map.of()).orElseThrow();
    // extraArgs is listed: any flag passes. podDisruptionBudget is a map the chart fills in.
    assertThat(
            CHECK.check("f.yaml", Map.of("extraArgs", Map.of("any-flag-at-all", true)), autoscaler))
        .isEmpty();
    assertThat(
            new ValuesKeyCheck(List.of())
                .check("f.yaml", Map.of("extraArgs", Map.of("any-flag-at-all", true)), autoscaler))
        .singleElement()
        .asString()
        .startsWith("f.yaml: extraArgs.any-flag-at-all: chart cluster-autoscaler 9.52.1 has no");
  }

  @Test
  void valuesBreakingTheChartsSchemaFailWithThePath() {
    Path folder = Upstream.chart("redis", "22.0.7").orElseThrow();
    Map<String, Object> merged =
        Charts.merge(Upstream.values(folder), Map.of("replica", Map.of("replicaCount", "two")));
    assertThat(JsonSchemas.validateValues(Upstream.schema(folder).orElseThrow(), merged))
        .singleElement()
        .asString()
        .contains("replica", "replicaCount", "string", "number");
  }

  @Test
  void subchartKeysAreCheckedAgainstTheSubchartsOwnValues() {
    ValuesKeyCheck.Chart stack = PinnedUpstream.chart(pin("kube-prometheus-stack")).orElseThrow();
    assertThat(
            CHECK.check(
                "f.yaml",
                Map.of("grafana", Map.of("sidecar", Map.of("dashboards", Map.of("labell", "x")))),
                stack))
        .singleElement()
        .asString()
        .contains("grafana.sidecar.dashboards.labell");
    assertThat(
            CHECK.check(
                "f.yaml",
                Map.of("grafana", Map.of("sidecar", Map.of("dashboards", Map.of("label", "x")))),
                stack))
        .isEmpty();
  }

  // ---- rules the keys alone cannot see ----

  /**
   * In queue mode the termination handler's IMDS-mode keys reach only the DaemonSet it does not
   * render: the upstream values.yaml marks them ("Only used in IMDS mode", "needs
   * enableSqsTerminationDraining: false"), so the set is read from there, not written here.
   */
  @Test
  void terminationHandlerInQueueModeSetsNoImdsModeKey() throws IOException {
    PinnedChart pin = pin("aws-node-termination-handler");
    Path upstreamValues =
        Upstream.chart(pin.name(), pin.version()).orElseThrow().resolve("values.yaml");
    List<String> imdsOnly = imdsOnlyKeys(Files.readString(upstreamValues));
    assertThat(imdsOnly)
        .contains(
            "podMonitor",
            "enableSpotInterruptionDraining",
            "enableRebalanceMonitoring",
            "enableRebalanceDraining",
            "enableScheduledEventDraining")
        .doesNotContain("serviceMonitor", "deleteSqsMsgIfNodeNotFound");
    Map<String, Object> ours =
        Charts.readYaml(thirdParty.resolve(pin.values().getFirst() + ".yaml"));
    assertThat(ours).containsEntry("enableSqsTerminationDraining", true);
    assertThat(ours.keySet())
        .as("IMDS-mode keys set in queue mode")
        .doesNotContainAnyElementsOf(imdsOnly);
  }

  private static final Pattern IMDS_ONLY =
      Pattern.compile(
          "(?i)only used in IMDS mode|only IMDS mode|needs enableSqsTerminationDraining: false");
  private static final Pattern TOP_LEVEL_KEY = Pattern.compile("^([A-Za-z][A-Za-z0-9]*):");

  /**
   * Top-level keys whose comment marks them IMDS-mode only: the comment lines right above the key,
   * and the indented comments inside its block.
   */
  static List<String> imdsOnlyKeys(String valuesYaml) {
    List<String> lines = List.of(valuesYaml.split("\n"));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher key = TOP_LEVEL_KEY.matcher(lines.get(i));
      if (!key.find()) {
        continue;
      }
      StringBuilder comment = new StringBuilder();
      for (int above = i - 1; above >= 0 && lines.get(above).startsWith("#"); above--) {
        comment.append(lines.get(above)).append('\n');
      }
      for (int inside = i + 1;
          inside < lines.size() && lines.get(inside).matches("^\\s+\\S.*");
          inside++) {
        comment.append(lines.get(inside)).append('\n');
      }
      if (IMDS_ONLY.matcher(comment).find()) {
        keys.add(key.group(1));
      }
    }
    return keys;
  }

  /**
   * A chart that creates a ServiceMonitor or PodMonitor needs the CRDs kube-prometheus-stack
   * brings: every such install comes after monitoring in make platform ("no matches for kind
   * ServiceMonitor" on a new cluster otherwise).
   */
  @Test
  void everyInstallThatCreatesMonitorsComesAfterTheOneThatBringsTheirCrds() {
    List<String> order = makefile.prerequisites("platform");
    String crdsFrom = null;
    for (String target : order) {
      if (makefile.recipe(target).contains("$(KUBE_PROMETHEUS_STACK_CHART)")) {
        crdsFrom = target;
      }
    }
    assertThat(crdsFrom).as("the target installing kube-prometheus-stack").isNotNull();
    List<String> needMonitors = new ArrayList<>();
    for (String target : order) {
      String recipe = makefile.recipe(target);
      boolean monitors =
          recipe.contains("kafka.cluster.enabled=true")
              || valuesNamesIn(recipe).stream()
                  .filter(name -> !name.equals("kube-prometheus-stack"))
                  .anyMatch(
                      name ->
                          PinnedUpstream.turnsOnAMonitor(
                              Charts.readYaml(thirdParty.resolve(name + ".yaml"))));
      if (monitors) {
        needMonitors.add(target);
      }
    }
    assertThat(needMonitors)
        .as("targets creating monitors")
        .contains("node-autoscaling", "kafka", "redis");
    for (String target : needMonitors) {
      assertThat(order.indexOf(target))
          .as(target + " must come after " + crdsFrom + " in make platform")
          .isGreaterThan(order.indexOf(crdsFrom));
    }
  }

  private static List<String> valuesNamesIn(String recipe) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\\$\\(call values,([a-z0-9-]+)\\)").matcher(recipe);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** make mirror-images copies exactly the images the pinned Redis chart runs. */
  @Test
  @SuppressWarnings("unchecked")
  void mirroredRedisImagesAreTheTagsThePinnedChartNames() {
    PinnedChart pin = pin("redis");
    Map<String, Object> values =
        Upstream.values(Upstream.chart(pin.name(), pin.version()).orElseThrow());
    Map<String, Object> image = (Map<String, Object>) values.get("image");
    Map<String, Object> exporter =
        (Map<String, Object>) ((Map<String, Object>) values.get("metrics")).get("image");
    List<String> expected = new ArrayList<>();
    for (Map<String, Object> i : List.of(image, exporter)) {
      String repository = String.valueOf(i.get("repository"));
      expected.add(repository.substring(repository.indexOf('/') + 1) + ":" + i.get("tag"));
    }
    assertThat(makefile.variables().get("REDIS_IMAGES").split(" "))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(makefile.recipe("redis"))
        .contains("--set global.imageRegistry=$(call output,EcrRegistry)");
  }

  // ---- helpers ----

  private static PinnedChart pin(String name) {
    return makefile.pinnedCharts().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("helm/Makefile pins no chart " + name));
  }

  /** The chart's values files: third-party/NAME.yaml and each environment's overlay of it. */
  private static List<Path> valuesFiles(PinnedChart pin) {
    List<Path> files = new ArrayList<>();
    for (String name : pin.values()) {
      files.add(thirdParty.resolve(name + ".yaml"));
      for (String env : List.of("dev", "stage", "prod")) {
        Path overlay = thirdParty.resolve(env).resolve(name + ".yaml");
        if (Files.isRegularFile(overlay)) {
          files.add(overlay);
        }
      }
    }
    return files;
  }

  private static final Pattern SET = Pattern.compile("--set(?:-string|-json)? '?([^=\\s']+)=");

  /** The --set keys of the chart's installs, each as a one-key values map. */
  private static List<Map<String, Object>> makefileSets(PinnedChart pin) {
    List<Map<String, Object>> sets = new ArrayList<>();
    for (String line : makefile.logicalLines()) {
      if (!line.contains("$(" + pin.prefix() + "_CHART)")) {
        continue;
      }
      Matcher m = SET.matcher(line);
      while (m.find()) {
        sets.add(ValuesKeyCheck.fromSetKey(m.group(1)));
      }
    }
    return sets;
  }

  private static String relative(Path file) {
    return Repo.root().relativize(file).toString();
  }
}
