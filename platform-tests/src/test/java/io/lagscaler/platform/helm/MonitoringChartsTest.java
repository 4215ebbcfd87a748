package io.lagscaler.platform.helm;

import static io.lagscaler.platform.helm.Manifests.containers;
import static io.lagscaler.platform.helm.Manifests.labels;
import static io.lagscaler.platform.helm.Manifests.list;
import static io.lagscaler.platform.helm.Manifests.name;
import static io.lagscaler.platform.helm.Manifests.named;
import static io.lagscaler.platform.helm.Manifests.namespace;
import static io.lagscaler.platform.helm.Manifests.obj;
import static io.lagscaler.platform.helm.Manifests.ofKind;
import static io.lagscaler.platform.helm.Manifests.podSpec;
import static io.lagscaler.platform.helm.Manifests.podTemplate;
import static io.lagscaler.platform.helm.Manifests.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.platform.Repo;
import io.lagscaler.platform.monitoring.Dashboards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the charts give Prometheus and Grafana, rendered by a real Helm with each chart's dev values
 * (monitoring on): dashboards as ConfigMaps for Grafana's sidecar holding exactly the JSON of
 * dashboards/, PrometheusRules equal to the plain rule files, and ServiceMonitors and PodMonitors
 * that select the pods, ports and paths that serve the metrics.
 */
class MonitoringChartsTest {

  static final String APP_NAMESPACE = "application";

  static List<Map<String, Object>> render(String chart, Map<String, Object> sets) {
    Path dir = Repo.path("helm/" + chart);
    if (chart.equals("platform")) {
      return Charts.template(dir, dir.resolve("values-dev.yaml"), sets);
    }
    return Charts.template(dir, chart, APP_NAMESPACE, dir.resolve("values-dev.yaml"), sets);
  }

  static Map<String, Object> yaml(Path file) {
    return Charts.readYaml(file);
  }

  @Test
  void eachChartProvisionsItsDashboardAsAConfigMapLabelledForGrafanasSidecar() throws Exception {
    Map<String, String> namespaces =
        Map.of(
            "lag-scaler",
            APP_NAMESPACE,
            "retail-services",
            APP_NAMESPACE,
            "platform",
            "monitoring");
    for (Dashboards.Dashboard d : Dashboards.ALL) {
      List<Map<String, Object>> dashboards =
          ofKind(render(d.chart(), Map.of()), "ConfigMap").stream()
              .filter(m -> "1".equals(labels(m).get("grafana_dashboard")))
              .toList();
      assertThat(dashboards).as(d.chart()).hasSize(1);
      Map<String, Object> configMap = dashboards.getFirst();
      assertThat(namespace(configMap)).isEqualTo(namespaces.get(d.chart()));
      assertThat(obj(configMap.get("data")))
          .as("%s renders dashboards/%s.json unchanged", d.chart(), d.name())
          .containsExactly(
              Map.entry(d.name() + ".json", Files.readString(d.link()).stripTrailing()));
    }
  }

  @Test
  void dashboardsCanBeTurnedOff() {
    for (Dashboards.Dashboard d : Dashboards.ALL) {
      assertThat(ofKind(render(d.chart(), Map.of("dashboards.enabled", "false")), "ConfigMap"))
          .noneSatisfy(m -> assertThat(labels(m)).containsKey("grafana_dashboard"));
    }
  }

  @Test
  void thePrometheusRulesAreThePlainRuleFiles() {
    Map<String, String> rules =
        Map.of("lag-scaler", "lag-scaler", "retail-services", "retail-services");
    rules.forEach(
        (chart, ruleName) -> {
          Map<String, Object> rule = named(render(chart, Map.of()), "PrometheusRule", ruleName);
          assertThat(spec(rule))
              .as(
                  "%s's PrometheusRule spec equals dashboards/alerts/%s.rules.yaml",
                  chart, ruleName)
              .isEqualTo(yaml(Repo.path("dashboards/alerts/" + ruleName + ".rules.yaml")));
        });
  }

  @Test
  void runbookLinksFollowTheChartValueAndExtraRulesComeAsTheirOwnGroup() {
    String base = "https://github.com/example/lag-scaler/blob/main/docs/runbooks/";
    Map<String, Object> rule =
        named(
            render(
                "lag-scaler",
                Map.of(
                    "prometheusRule.runbookBaseUrl", base,
                    "prometheusRule.extraRules[0].alert", "Extra",
                    "prometheusRule.extraRules[0].expr", "vector(1)")),
            "PrometheusRule",
            "lag-scaler");
    List<Map<String, Object>> groups = list(spec(rule).get("groups"));
    assertThat(groups)
        .extracting(g -> g.get("name"))
        .containsExactly("lag-scaler", "lag-scaler-extra");
    assertThat(list(groups.getFirst().get("rules")))
        .filteredOn(r -> r.containsKey("alert"))
        .allSatisfy(
            r ->
                assertThat(obj(r.get("annotations")).get("runbook_url"))
                    .isEqualTo(base + r.get("alert") + ".md"));
    assertThat(list(groups.get(1).get("rules")))
        .singleElement()
        .satisfies(r -> assertThat(r).containsEntry("alert", "Extra"));
  }

  @Test
  void serviceMonitorsSelectTheServicesWhosePortsReachTheContainersServingMetrics() {
    List<Map<String, Object>> manifests = new java.util.ArrayList<>(render("lag-scaler", Map.of()));
    manifests.addAll(render("retail-services", Map.of()));
    List<Map<String, Object>> monitors = ofKind(manifests, "ServiceMonitor");
    assertThat(monitors)
        .extracting(Manifests::name)
        .containsExactlyInAnyOrder("lag-scaler", "order-intake", "store-totals", "purchase-graph");
    for (Map<String, Object> monitor : monitors) {
      Map<String, Object> selector = obj(obj(spec(monitor).get("selector")).get("matchLabels"));
      List<Map<String, Object>> services =
          ofKind(manifests, "Service").stream()
              .filter(s -> labels(s).entrySet().containsAll(selector.entrySet()))
              .toList();
      assertThat(services).as("%s selects exactly one Service", name(monitor)).hasSize(1);
      Map<String, Object> service = services.getFirst();
      Map<String, Object> endpoint = list(spec(monitor).get("endpoints")).getFirst();
      // The services and the controller serve Prometheus text on /metrics (ServiceHttp,
      // StatusServer).
      assertThat(endpoint).containsEntry("path", "/metrics");
      Map<String, Object> port =
          list(spec(service).get("ports")).stream()
              .filter(p -> endpoint.get("port").equals(p.get("name")))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          name(monitor) + ": no Service port " + endpoint.get("port")));
      // The Service's target port is a named container port of the pods it selects.
      Map<String, Object> podSelector = obj(spec(service).get("selector"));
      Map<String, Object> workload =
          Manifests.workloads(manifests).stream()
              .filter(
                  w ->
                      obj(obj(podTemplate(w).get("metadata")).get("labels"))
                          .entrySet()
                          .containsAll(podSelector.entrySet()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(name(service) + " selects no workload"));
      assertThat(containers(podSpec(workload)))
          .flatExtracting(c -> list(c.get("ports")))
          .anySatisfy(p -> assertThat(p).containsEntry("name", port.get("targetPort")));
    }
  }

  @Test
  void theKafkaPodMonitorScrapesTheStrimziMetricsPortAndTheRulesComeFromTheirFile()
      throws Exception {
    List<Map<String, Object>> platform =
        render("platform", Map.of("kafka.cluster.enabled", "true"));
    Map<String, Object> monitor = named(platform, "PodMonitor", "lag-scaler-kafka");
    // Strimzi names the JMX exporter's container port tcp-prometheus (9404) on every Kafka pod
    // and labels the pods strimzi.io/kind=Kafka.
    assertThat(list(spec(monitor).get("podMetricsEndpoints")))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .containsEntry("port", "tcp-prometheus")
                    .containsEntry("path", "/metrics"));
    assertThat(String.valueOf(spec(monitor).get("selector"))).contains("strimzi.io/kind", "Kafka");
    Map<String, Object> metricsConfig = named(platform, "ConfigMap", "lag-scaler-kafka-metrics");
    assertThat(obj(metricsConfig.get("data")))
        .containsExactly(
            Map.entry(
                "kafka-metrics-config.yml",
                Files.readString(Repo.path("helm/platform/files/kafka-metrics-config.yml"))));
  }

  @Test
  void theNodeLabelsThePlatformDashboardCountsByAreAllowListedForKubeStateMetrics()
      throws Exception {
    String dashboard = Files.readString(Repo.path("dashboards/platform.json"));
    Matcher used = Pattern.compile("\\blabel_[a-z0-9_]+").matcher(dashboard);
    TreeSet<String> labelsUsed = new TreeSet<>();
    while (used.find()) {
      if (!used.group().equals("label_replace") && !used.group().equals("label_values")) {
        labelsUsed.add(used.group());
      }
    }
    assertThat(labelsUsed).isNotEmpty();
    Map<String, Object> values =
        yaml(Repo.path("helm/platform/third-party/kube-prometheus-stack.yaml"));
    String allowlist =
        String.valueOf(obj(values.get("kube-state-metrics")).get("metricLabelsAllowlist"));
    Matcher nodes = Pattern.compile("nodes=\\[([^\\]]*)]").matcher(allowlist);
    assertThat(nodes.find()).as("a nodes=[...] allow list").isTrue();
    TreeSet<String> exported = new TreeSet<>();
    for (String label : nodes.group(1).split(",")) {
      exported.add(kubeStateMetricsLabelName(label.trim()));
    }
    assertThat(exported).containsAll(labelsUsed);
  }

  /** In queue mode the chart renders a ServiceMonitor; its PodMonitor exists only in IMDS mode. */
  @Test
  void theNodeTerminationHandlerInQueueModeServesItsMetricsToAServiceMonitor() {
    Map<String, Object> values =
        yaml(Repo.path("helm/platform/third-party/aws-node-termination-handler.yaml"));
    assertThat(values)
        .containsEntry("enablePrometheusServer", true)
        .containsEntry("enableSqsTerminationDraining", true);
    assertThat(obj(values.get("serviceMonitor"))).containsEntry("create", true);
  }

  /**
   * kube-state-metrics' name for a Kubernetes label: {@code label_} + the name with characters
   * outside [a-zA-Z0-9_] as underscores and camelCase as snake_case (its labelName function).
   */
  static String kubeStateMetricsLabelName(String label) {
    String sanitized = label.replaceAll("[^a-zA-Z0-9_]", "_");
    return "label_"
        + sanitized.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  @Test
  void kubeStateMetricsLabelNamesAreSnakeCase() {
    assertThat(kubeStateMetricsLabelName("eks.amazonaws.com/capacityType"))
        .isEqualTo("label_eks_amazonaws_com_capacity_type");
    assertThat(kubeStateMetricsLabelName("kubernetes.io/arch"))
        .isEqualTo("label_kubernetes_io_arch");
  }
}
